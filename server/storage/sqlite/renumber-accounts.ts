import type Database from 'better-sqlite3';
import { accountNumberProblem, cashAccountNumber } from '../../../shared/account-number.ts';
import { accountNumberDrawAttemptsMax } from '../../../shared/limits.ts';
import { type AccountNumberDraw, drawAccountNumber } from '../../bank/account-number-draw.ts';

/** Stored outcomes are read and rewritten this many at a time. */
const outcomesPageRows = 1_000;

/** The JSON fields of a stored answer whose value is an account number. */
const accountNumberFields: ReadonlySet<string> = new Set(['number', 'accountNumber', 'fromAccountNumber', 'toAccountNumber', 'loanAccountNumber']);

/**
 * Issue 16: account numbers were 8 digits handed out in sequence (10000002, 10000003, …), so anyone
 * could guess their neighbours'. Every account whose number is not of the new form (random digits and
 * MOD 97-10 check digits, shared/account-number.ts) gets a new one: customers' accounts a random one,
 * the bank's cash account the fixed `cashAccountNumber`.
 *
 * What else holds numbers:
 * - The ledger refers to accounts by id (`ledger_entries.account_id`, `ledger_transactions.from_account_id`
 *   and `to_account_id`), so every ledger row stays valid and now shows the new numbers.
 * - Stored request outcomes quote numbers in their JSON (the accounts and the transaction of an answer);
 *   those fields are rewritten, so a repeat of an old request answers with numbers the client's schema
 *   accepts. Refusal *messages* keep the old number in their words: they are what was said then.
 * - A client that re-sends, across the upgrade, a request naming an old number is refused with
 *   `invalid_message` (the old form is no account number), and nothing runs.
 */
export function renumberAccounts(database: Database.Database, draw: AccountNumberDraw = drawAccountNumber): void {
  const accounts = database.prepare('SELECT id, number, kind FROM accounts ORDER BY id').all() as Array<{ id: number; number: string; kind: string }>;
  const taken = new Set([cashAccountNumber, ...accounts.map((account) => account.number)]);
  const renumbered = new Map<string, string>();
  const setNumber = database.prepare('UPDATE accounts SET number = ? WHERE id = ?');
  for (const account of accounts) {
    if (accountNumberProblem(account.number) === null) continue;
    const number = account.kind === 'system' ? cashAccountNumber : drawUnused(taken, draw);
    taken.add(number);
    renumbered.set(account.number, number);
    setNumber.run(number, account.id);
  }
  if (renumbered.size > 0) renumberStoredOutcomes(database, renumbered);
}

function drawUnused(taken: ReadonlySet<string>, draw: AccountNumberDraw): string {
  for (let attempt = 1; attempt <= accountNumberDrawAttemptsMax; attempt += 1) {
    const number = draw();
    if (!taken.has(number)) return number;
  }
  throw new Error(`every one of ${accountNumberDrawAttemptsMax} drawn account numbers is taken`);
}

function renumberStoredOutcomes(database: Database.Database, renumbered: ReadonlyMap<string, string>): void {
  const page = database.prepare<[number, number], { id: number; outcome: string }>(
    'SELECT id, outcome FROM request_outcomes WHERE id > ? ORDER BY id LIMIT ?',
  );
  const rewrite = database.prepare('UPDATE request_outcomes SET outcome = ? WHERE id = ?');
  let afterId = 0;
  for (let rows = page.all(afterId, outcomesPageRows); rows.length > 0; rows = page.all(afterId, outcomesPageRows)) {
    for (const { id, outcome } of rows) {
      const parsed: unknown = JSON.parse(outcome);
      if (replaceAccountNumbers(parsed, renumbered)) rewrite.run(JSON.stringify(parsed), id);
    }
    afterId = rows.at(-1)!.id;
  }
}

/** Replaces, in place, every account-number field's value found in `renumbered`; true when any was. */
function replaceAccountNumbers(value: unknown, renumbered: ReadonlyMap<string, string>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  let replaced = false;
  for (const [key, field] of Object.entries(value)) {
    const newNumber = typeof field === 'string' && accountNumberFields.has(key) ? renumbered.get(field) : undefined;
    if (newNumber !== undefined) {
      (value as Record<string, unknown>)[key] = newNumber;
      replaced = true;
    } else if (replaceAccountNumbers(field, renumbered)) {
      replaced = true;
    }
  }
  return replaced;
}
