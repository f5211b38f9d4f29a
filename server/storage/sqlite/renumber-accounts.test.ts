import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accountNumberFromDraw, accountNumberProblem, cashAccountNumber } from '../../../shared/account-number.ts';
import { openDatabase } from './database.ts';
import { migrations } from './migrations.ts';
import { renumberAccounts } from './renumber-accounts.ts';
import { SqliteBankRepository } from './bank-repository.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const createdAt = '2025-11-20T09:14:03.201Z';
const blob = Buffer.alloc(16);

/** A stored answer to Ada's transfer of $1.00 from 10000002 to Grace's 10000003, keyed "10000002". */
const transferOutcome = {
  ok: true,
  value: {
    transaction: {
      id: 2, kind: 'transfer', amountCents: 100, fromAccountNumber: '10000002', toAccountNumber: '10000003', username: 'ada',
      createdAt, seq: 2, requestId: '10000002',
      entries: [{ accountNumber: '10000002', amountCents: 100 }, { accountNumber: '10000003', amountCents: -100 }],
    },
    accounts: [{ number: '10000002', kind: 'checking', ownerUsername: 'ada', balanceCents: 900, version: 3, openedAt: createdAt }],
  },
};
const refusalOutcome = {
  ok: false,
  failure: {
    code: 'insufficient_funds',
    message: 'Account 10000002 holds $9.00, less than $50.00.',
    details: { accounts: [{ number: '10000002', kind: 'checking', ownerUsername: 'ada', balanceCents: 900, version: 3, openedAt: createdAt }] },
  },
};

/**
 * A database as the server left it before random account numbers: the cash account 00000001, Ada's
 * checking 10000002 (opened with $10.00, then $1.00 sent to Grace) and Grace's checking 10000003.
 */
function databaseWithSequentialNumbers(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tally-renumber-'));
  folders.push(folder);
  const path = join(folder, 'old.sqlite');
  const database = new Database(path);
  const before = migrations.indexOf(renumberAccounts);
  for (const migration of migrations.slice(0, before)) {
    if (typeof migration !== 'string') throw new Error('the migrations before renumbering are SQL');
    database.exec(migration);
  }
  database.pragma(`user_version = ${before}`);
  database.exec(`
    INSERT INTO users (id, username, password_hash, password_salt, role, created_at) VALUES (1, 'ada', x'00', x'00', 'customer', '${createdAt}');
    INSERT INTO users (id, username, password_hash, password_salt, role, created_at) VALUES (2, 'grace', x'00', x'00', 'customer', '${createdAt}');
    UPDATE accounts SET balance_cents = 1000 WHERE id = 1;
    INSERT INTO accounts (id, number, kind, owner_user_id, balance_cents, version, opened_at) VALUES (2, '10000002', 'checking', 1, 900, 3, '${createdAt}');
    INSERT INTO accounts (id, number, kind, owner_user_id, balance_cents, version, opened_at) VALUES (3, '10000003', 'checking', 2, 100, 2, '${createdAt}');
    INSERT INTO ledger_transactions (id, kind, amount_cents, from_account_id, to_account_id, user_id, request_id, created_at, commit_seq)
      VALUES (1, 'open_account', 1000, NULL, 2, 1, 'ada-1', '${createdAt}', 1), (2, 'transfer', 100, 2, 3, 1, '10000002', '${createdAt}', 2);
    INSERT INTO ledger_entries (transaction_id, account_id, amount_cents) VALUES (1, 1, 1000), (1, 2, -1000), (2, 2, 100), (2, 3, -100);
  `);
  const storeOutcome = database.prepare('INSERT INTO request_outcomes (scope, request_id, body_digest, commit_seq, outcome) VALUES (?, ?, ?, ?, ?)');
  storeOutcome.run('u1', '10000002', blob, 2, JSON.stringify(transferOutcome));
  storeOutcome.run('u1', 'ada-3', blob, 3, JSON.stringify(refusalOutcome));
  database.close();
  return path;
}

function numbersById(database: Database.Database): Map<number, string> {
  const rows = database.prepare('SELECT id, number FROM accounts ORDER BY id').all() as Array<{ id: number; number: string }>;
  return new Map(rows.map((row) => [row.id, row.number]));
}

describe('the migration to random account numbers', () => {
  it('gives every account a new number that passes its check, the cash account its fixed one', () => {
    const database = openDatabase(databaseWithSequentialNumbers());
    const numbers = numbersById(database);
    expect(numbers.get(1)).toBe(cashAccountNumber);
    expect([...numbers.values()].filter((number) => accountNumberProblem(number) !== null)).toEqual([]);
    expect(new Set(numbers.values()).size).toBe(3);
    database.close();
  });

  it('keeps the ledger sound, its rows now naming the new numbers', async () => {
    const database = openDatabase(databaseWithSequentialNumbers());
    const numbers = numbersById(database);
    const bank = new SqliteBankRepository(database);
    expect(await bank.findings()).toEqual({ unbalancedTransactions: [], transactionsWithTooFewEntries: [], balancesNotMatchingEntries: [], negativeBalances: [] });
    const [transfer, opening] = await bank.history({ limit: 10 });
    expect(transfer).toMatchObject({ fromAccountNumber: numbers.get(2), toAccountNumber: numbers.get(3) });
    expect(transfer!.entries.map((entry) => entry.accountNumber)).toEqual([numbers.get(2), numbers.get(3)]);
    expect(opening!.entries.map((entry) => entry.accountNumber)).toEqual([cashAccountNumber, numbers.get(2)]);
    database.close();
  });

  it("rewrites the numbers in stored answers, and nothing else: not a request id, not a message's words", () => {
    const database = openDatabase(databaseWithSequentialNumbers());
    const [ada, grace] = [numbersById(database).get(2)!, numbersById(database).get(3)!];
    const outcomes = database.prepare('SELECT outcome FROM request_outcomes ORDER BY id').all() as Array<{ outcome: string }>;
    const [transfer, refusal] = outcomes.map((row) => JSON.parse(row.outcome) as unknown);
    const expectedTransfer = structuredClone(transferOutcome);
    Object.assign(expectedTransfer.value.transaction, { fromAccountNumber: ada, toAccountNumber: grace });
    expectedTransfer.value.transaction.entries = [{ accountNumber: ada, amountCents: 100 }, { accountNumber: grace, amountCents: -100 }];
    expectedTransfer.value.accounts[0]!.number = ada;
    expect(transfer).toEqual(expectedTransfer);
    const expectedRefusal = structuredClone(refusalOutcome);
    expectedRefusal.failure.details.accounts[0]!.number = ada;
    expect(refusal).toEqual(expectedRefusal);
    database.close();
  });

  it('draws again when a drawn number is already given', () => {
    const database = new Database(databaseWithSequentialNumbers());
    const draws = [5, 5, 6].map(accountNumberFromDraw);
    database.transaction(() => renumberAccounts(database, () => draws.shift()!))();
    expect([...numbersById(database).values()]).toEqual([cashAccountNumber, accountNumberFromDraw(5), accountNumberFromDraw(6)]);
    database.close();
  });

  it('leaves numbers already of the new form alone', () => {
    const database = openDatabase(databaseWithSequentialNumbers());
    const before = numbersById(database);
    database.transaction(() => renumberAccounts(database, () => accountNumberFromDraw(9)))();
    expect(numbersById(database)).toEqual(before);
    database.close();
  });
});
