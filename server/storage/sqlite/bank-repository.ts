import type { AccountKind, TransactionKind, TransactionView, UserView } from '../../../shared/protocol.ts';
import { accountNumberDrawAttemptsMax } from '../../../shared/limits.ts';
import { type AccountNumberDraw, drawAccountNumber } from '../../bank/account-number-draw.ts';
import type { BankRepository, HistoryFilter, LedgerFindings, LedgerTotals, RecordedMovement } from '../../bank/bank-repository.ts';
import { type AccountState, type MovementPlan, type MovementTotals, balanceAfter, movementTotalsEffect } from '../../bank/rules.ts';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './database.ts';
import { type StoredAccount, type StoredEntry, type StoredTransaction, accountState, recordedTransaction, transactionViews } from '../../bank/stored-ledger.ts';

const cashAccountId = 1;

const accountColumns = `a.id, a.number, a.kind, a.owner_user_id, u.username AS owner_username,
  a.balance_cents, a.version, a.opened_at
  FROM accounts a LEFT JOIN users u ON u.id = a.owner_user_id`;

const transactionSelect = `SELECT t.id, t.kind, t.amount_cents, f.number AS from_number, d.number AS to_number, u.username,
    t.created_at, t.commit_seq, t.user_id, t.request_id
  FROM ledger_transactions t
  JOIN users u ON u.id = t.user_id
  LEFT JOIN accounts f ON f.id = t.from_account_id
  LEFT JOIN accounts d ON d.id = t.to_account_id`;

/** The bank's tables in SQLite; statements prepared once, synchronous underneath. */
export class SqliteBankRepository implements BankRepository {
  readonly #database: SqliteDatabase;
  readonly #statements;
  /** History queries vary with their filters; each shape is prepared once. */
  readonly #preparedByText = new Map<string, Database.Statement<Array<string | number>, unknown>>();
  readonly #drawAccountNumber: AccountNumberDraw;

  /** `drawNumber`: where new account numbers come from (tests pass one that collides on purpose). */
  constructor(database: SqliteDatabase, drawNumber: AccountNumberDraw = drawAccountNumber) {
    this.#database = database;
    this.#drawAccountNumber = drawNumber;
    this.#statements = {
      accountById: database.prepare<[number], StoredAccount>(`SELECT ${accountColumns} WHERE a.id = ?`),
      accountByNumber: database.prepare<[string], StoredAccount>(`SELECT ${accountColumns} WHERE a.number = ?`),
      countAccounts: database.prepare<[number], { count: number }>('SELECT COUNT(*) AS count FROM accounts WHERE owner_user_id = ?'),
      // A drawn number someone already holds inserts nothing (and answers no row): draw again.
      insertAccount: database.prepare<[string, string, number, string, number], { id: number }>(
        `INSERT INTO accounts (number, kind, owner_user_id, balance_cents, version, opened_at, changed_seq)
         VALUES (?, ?, ?, 0, 1, ?, ?) ON CONFLICT (number) DO NOTHING RETURNING id`,
      ),
      listAccounts: database.prepare<[number], StoredAccount>(`SELECT ${accountColumns} WHERE a.owner_user_id = ? ORDER BY a.id`),
      insertTransaction: database.prepare<[string, number, number | null, number | null, number, string | null, string, number], { id: number }>(
        `INSERT INTO ledger_transactions (kind, amount_cents, from_account_id, to_account_id, user_id, request_id, created_at, commit_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ),
      insertEntry: database.prepare('INSERT INTO ledger_entries (transaction_id, account_id, amount_cents) VALUES (?, ?, ?)'),
      moveBalance: database.prepare<[number, number, number, number, number]>(
        'UPDATE accounts SET balance_cents = ?, version = version + 1, changed_seq = ? WHERE id = ? AND balance_cents = ? AND version = ?',
      ),
      accountsChangedSince: database.prepare<[number, number], StoredAccount>(
        `SELECT ${accountColumns} WHERE a.changed_seq > ? AND a.kind <> 'system' ORDER BY a.id LIMIT ?`,
      ),
      ownAccountsChangedSince: database.prepare<[number, number, number], StoredAccount>(
        `SELECT ${accountColumns} WHERE a.owner_user_id = ? AND a.changed_seq > ? ORDER BY a.id LIMIT ?`,
      ),
      totals: database.prepare<[], { deposits: number; loans: number }>(
        `SELECT COALESCE(SUM(CASE WHEN kind IN ('checking', 'savings') THEN balance_cents END), 0) AS deposits,
                COALESCE(SUM(CASE WHEN kind = 'loan' THEN balance_cents END), 0) AS loans
         FROM accounts`,
      ),
      movementsByKind: database.prepare<[], { kind: TransactionKind; openedLoan: 0 | 1; amountCents: number }>(
        `SELECT t.kind, COALESCE(a.kind = 'loan', 0) AS openedLoan, SUM(t.amount_cents) AS amountCents
         FROM ledger_transactions t LEFT JOIN accounts a ON a.id = t.to_account_id
         GROUP BY t.kind, openedLoan`,
      ),
      countLedger: database.prepare<[], LedgerTotals>(
        `SELECT (SELECT COUNT(*) FROM ledger_transactions) AS transactions,
                (SELECT COUNT(*) FROM ledger_entries) AS entries,
                (SELECT COUNT(*) FROM accounts) AS accounts`,
      ),
      unbalanced: database.prepare<[], { transactionId: number; sumCents: number }>(
        `SELECT transaction_id AS transactionId, SUM(amount_cents) AS sumCents FROM ledger_entries
         GROUP BY transaction_id HAVING SUM(amount_cents) <> 0 LIMIT 100`,
      ),
      tooFewEntries: database.prepare<[], { id: number }>(
        `SELECT t.id FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
         WHERE t.amount_cents > 0 GROUP BY t.id HAVING COUNT(e.id) < 2 LIMIT 100`,
      ),
      balanceMismatches: database.prepare<[], { number: string; balanceCents: number; entriesCents: number }>(
        `SELECT a.number, a.balance_cents AS balanceCents,
                (CASE WHEN a.kind IN ('loan', 'system') THEN 1 ELSE -1 END) * COALESCE(SUM(e.amount_cents), 0) AS entriesCents
         FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
         GROUP BY a.id HAVING balanceCents <> entriesCents LIMIT 100`,
      ),
      negativeBalances: database.prepare<[], { number: string; balanceCents: number }>(
        "SELECT number, balance_cents AS balanceCents FROM accounts WHERE kind <> 'system' AND balance_cents < 0 LIMIT 100",
      ),
    };
  }

  async cashAccount(): Promise<AccountState> {
    return accountState(this.#statements.accountById.get(cashAccountId)!);
  }

  async findAccount(number: string): Promise<AccountState | undefined> {
    const row = this.#statements.accountByNumber.get(number);
    return row === undefined ? undefined : accountState(row);
  }

  async countAccounts(ownerUserId: number): Promise<number> {
    return this.#statements.countAccounts.get(ownerUserId)!.count;
  }

  async openAccount(kind: AccountKind, ownerUserId: number, openedAt: string, commitSeq: number): Promise<AccountState> {
    for (let draw = 1; draw <= accountNumberDrawAttemptsMax; draw += 1) {
      const inserted = this.#statements.insertAccount.get(this.#drawAccountNumber(), kind, ownerUserId, openedAt, commitSeq);
      if (inserted !== undefined) return accountState(this.#statements.accountById.get(inserted.id)!);
    }
    throw new Error(`every one of ${accountNumberDrawAttemptsMax} drawn account numbers is taken`);
  }

  async listAccounts(ownerUserId: number): Promise<AccountState[]> {
    return this.#statements.listAccounts.all(ownerUserId).map(accountState);
  }

  async record(movement: MovementPlan, by: { id: number; username: string }, requestId: string | null, createdAt: string, commitSeq: number): Promise<RecordedMovement> {
    const { id } = this.#statements.insertTransaction.get(
      movement.kind, movement.amountCents, movement.from?.id ?? null, movement.to?.id ?? null, by.id, requestId, createdAt, commitSeq,
    )!;
    const accounts: AccountState[] = [];
    for (const { account, amountCents } of movement.postings) {
      this.#statements.insertEntry.run(id, account.id, amountCents);
      const newBalance = balanceAfter(account, amountCents);
      const moved = this.#statements.moveBalance.run(newBalance, commitSeq, account.id, account.balanceCents, account.version);
      // The caller holds this account's lock and read it in this transaction: it cannot have moved.
      if (moved.changes !== 1) throw new Error(`account ${account.number} changed under its lock`);
      accounts.push({ ...account, balanceCents: newBalance, version: account.version + 1 });
    }
    return { transaction: recordedTransaction(movement, by, requestId, createdAt, commitSeq, id), accounts };
  }

  async history(filter: HistoryFilter): Promise<TransactionView[]> {
    const rows = this.#historyRows(filter);
    return this.#withEntries(rows, filter.requestIdsOf);
  }

  async accountsChangedSince(sinceSeq: number, ownerUserId: number | undefined, limit: number): Promise<AccountState[]> {
    const rows =
      ownerUserId === undefined
        ? this.#statements.accountsChangedSince.all(sinceSeq, limit)
        : this.#statements.ownAccountsChangedSince.all(ownerUserId, sinceSeq, limit);
    return rows.map(accountState);
  }

  async transactionsSince(sinceSeq: number, limit: number): Promise<TransactionView[]> {
    const rows = this.#prepared<StoredTransaction>(`${transactionSelect} WHERE t.commit_seq > ? ORDER BY t.commit_seq, t.id LIMIT ?`).all(sinceSeq, limit);
    return this.#withEntries(rows, undefined);
  }

  #historyRows(filter: HistoryFilter): StoredTransaction[] {
    const conditions: string[] = [];
    const parameters: Array<string | number> = [];
    if (filter.beforeId !== undefined) {
      conditions.push('t.id < ?');
      parameters.push(filter.beforeId);
    }
    if (filter.kind !== undefined) {
      conditions.push('t.kind = ?');
      parameters.push(filter.kind);
    }
    if (filter.accountId !== undefined) {
      conditions.push('EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id AND e.account_id = ?)');
      parameters.push(filter.accountId);
    }
    if (filter.ownerUserId !== undefined) {
      conditions.push(
        'EXISTS (SELECT 1 FROM ledger_entries e JOIN accounts a ON a.id = e.account_id WHERE e.transaction_id = t.id AND a.owner_user_id = ?)',
      );
      parameters.push(filter.ownerUserId);
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    return this.#prepared<StoredTransaction>(`${transactionSelect} ${where} ORDER BY t.id DESC LIMIT ?`).all(...parameters, filter.limit);
  }

  /** `requestIdsOf`: show only that user's own request ids; undefined shows every one. */
  #withEntries(rows: readonly StoredTransaction[], requestIdsOf: number | undefined): TransactionView[] {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const entries = this.#prepared<StoredEntry>(
      `SELECT e.transaction_id, a.number, e.amount_cents FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
       WHERE e.transaction_id IN (${ids.map(() => '?').join(', ')}) ORDER BY e.id`,
    ).all(...ids);
    return transactionViews(rows, entries, requestIdsOf);
  }

  #prepared<Row>(text: string): Database.Statement<Array<string | number>, Row> {
    let statement = this.#preparedByText.get(text);
    if (statement === undefined) {
      statement = this.#database.prepare<Array<string | number>, unknown>(text);
      this.#preparedByText.set(text, statement);
    }
    return statement as Database.Statement<Array<string | number>, Row>;
  }

  async totals(): Promise<{ depositsCents: number; loansOwedCents: number }> {
    const { deposits, loans } = this.#statements.totals.get()!;
    return { depositsCents: deposits, loansOwedCents: loans };
  }

  async movementTotals(): Promise<MovementTotals> {
    const totals: MovementTotals = { depositsCents: 0, loansCents: 0 };
    for (const { kind, openedLoan, amountCents } of this.#statements.movementsByKind.all()) {
      const effect = movementTotalsEffect(kind, kind === 'open_account' && openedLoan === 1, amountCents);
      totals.depositsCents += effect.depositsCents;
      totals.loansCents += effect.loansCents;
    }
    return totals;
  }

  async countLedger(): Promise<LedgerTotals> {
    return this.#statements.countLedger.get()!;
  }

  async findings(): Promise<LedgerFindings> {
    return {
      unbalancedTransactions: this.#statements.unbalanced.all(),
      transactionsWithTooFewEntries: this.#statements.tooFewEntries.all().map((row) => row.id),
      balancesNotMatchingEntries: this.#statements.balanceMismatches.all(),
      negativeBalances: this.#statements.negativeBalances.all(),
    };
  }
}
