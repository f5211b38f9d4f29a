import type { AccountKind, TransactionKind, TransactionView } from '../../../shared/protocol.ts';
import { accountNumberDrawAttemptsMax } from '../../../shared/limits.ts';
import { type AccountNumberDraw, drawAccountNumber } from '../../bank/account-number-draw.ts';
import type { BankRepository, HistoryFilter, LedgerFindings, LedgerTotals, RecordedMovement } from '../../bank/bank-repository.ts';
import { type AccountState, type MovementPlan, type MovementTotals, balanceAfter, movementTotalsEffect } from '../../bank/rules.ts';
import { type StoredAccount, type StoredEntry, type StoredTransaction, accountState, recordedTransaction, transactionViews } from '../../bank/stored-ledger.ts';
import type { PostgresConnection } from './connection.ts';
import type { HeldBatch } from './write-behind.ts';

const cashAccountId = 1;
/** How many rows each integrity finding lists at most, as in the SQLite engine. */
const findingsRowsMax = 100;

/** PostgreSQL answers timestamptz as a Date. */
type AccountRow = Omit<StoredAccount, 'opened_at'> & { opened_at: Date };

/** PostgreSQL answers timestamptz as a Date. */
type TransactionRow = Omit<StoredTransaction, 'created_at'> & { created_at: Date };

function accountStateOf(row: AccountRow): AccountState {
  return accountState({ ...row, opened_at: row.opened_at.toISOString() });
}

const accountColumns = (sql: PostgresConnection) => sql`a.id, a.number, a.kind, a.owner_user_id, u.username AS owner_username,
  a.balance_cents, a.version, a.opened_at`;

const accountSelect = (sql: PostgresConnection) => sql`SELECT ${accountColumns(sql)} FROM accounts a LEFT JOIN users u ON u.id = a.owner_user_id`;

const transactionSelect = (sql: PostgresConnection) => sql`SELECT t.id, t.kind, t.amount_cents, f.number AS from_number, d.number AS to_number,
    u.username, t.created_at, t.commit_seq, t.user_id, t.request_id
  FROM ledger_transactions t
  JOIN users u ON u.id = t.user_id
  LEFT JOIN accounts f ON f.id = t.from_account_id
  LEFT JOIN accounts d ON d.id = t.to_account_id`;

/**
 * The bank's tables in PostgreSQL. `query` answers the connection to use right now: the engine's
 * reserved connection inside a batch's transaction, or the pool for reads. Values are always
 * parameters; bigint columns arrive as numbers (openPostgres), times as Dates turned into ISO text.
 *
 * Inside a batch, accounts are read once and then served from what the batch holds, and money
 * movements are recorded there, to be written in one statement before COMMIT (write-behind.ts).
 */
export class PostgresBankRepository implements BankRepository {
  readonly #query: () => PostgresConnection;
  readonly #drawAccountNumber: AccountNumberDraw;
  readonly #held: () => HeldBatch | null;

  /**
   * `drawNumber`: where new account numbers come from (tests pass one that collides on purpose).
   * `held`: the open batch's holdings, null outside a batch (and for a repository that never holds).
   */
  constructor(query: () => PostgresConnection, drawNumber: AccountNumberDraw = drawAccountNumber, held: () => HeldBatch | null = () => null) {
    this.#query = query;
    this.#drawAccountNumber = drawNumber;
    this.#held = held;
  }

  async cashAccount(): Promise<AccountState> {
    const held = this.#held();
    const known = held?.writes.knownById(cashAccountId);
    if (known !== undefined) return known;
    const sql = held?.connection ?? this.#query();
    const [row] = await sql<AccountRow[]>`${accountSelect(sql)} WHERE a.id = ${cashAccountId}`;
    if (row === undefined) throw new Error('the bank cash account (id 1) is missing');
    const account = accountStateOf(row);
    held?.writes.remember(account);
    return account;
  }

  async findAccount(number: string): Promise<AccountState | undefined> {
    const held = this.#held();
    const known = held?.writes.known(number);
    if (known !== undefined) return known ?? undefined;
    const sql = held?.connection ?? this.#query();
    const [row] = await sql<AccountRow[]>`${accountSelect(sql)} WHERE a.number = ${number}`;
    if (row === undefined) {
      held?.writes.rememberAbsent(number);
      return undefined;
    }
    const account = accountStateOf(row);
    held?.writes.remember(account);
    return account;
  }

  /**
   * Inside a batch: reads the accounts by these numbers and the cash account in one look, and takes
   * `transactionIds` ledger transaction ids, all held for the operations about to run.
   */
  async readAhead(numbers: readonly string[], transactionIds: number): Promise<void> {
    const held = this.#held();
    if (held === null) return;
    const { writes, connection: sql } = held;
    const unknown = numbers.filter((number) => writes.known(number) === undefined);
    const needCash = writes.knownById(cashAccountId) === undefined;
    const [rows, ids] = await Promise.all([
      unknown.length === 0 && !needCash
        ? []
        : sql<AccountRow[]>`${accountSelect(sql)} WHERE a.number = ANY(${unknown}::text[]) OR (${needCash} AND a.id = ${cashAccountId})`,
      this.#takeTransactionIds(sql, transactionIds),
    ]);
    for (const row of rows) writes.remember(accountStateOf(row));
    for (const number of unknown) writes.rememberAbsent(number);
    writes.addTransactionIds(ids);
  }

  async #takeTransactionIds(sql: PostgresConnection, count: number): Promise<number[]> {
    if (count === 0) return [];
    const rows = await sql<Array<{ id: number }>>`
      SELECT nextval(pg_get_serial_sequence('ledger_transactions', 'id')) AS id FROM generate_series(1, ${count})`;
    return rows.map(({ id }) => id).sort((a, b) => a - b);
  }

  async countAccounts(ownerUserId: number): Promise<number> {
    const sql = this.#query();
    const [row] = await sql<Array<{ count: number }>>`SELECT COUNT(*) AS count FROM accounts WHERE owner_user_id = ${ownerUserId}`;
    return row!.count;
  }

  async openAccount(kind: AccountKind, ownerUserId: number, openedAt: string, commitSeq: number): Promise<AccountState> {
    const sql = this.#query();
    for (let draw = 1; draw <= accountNumberDrawAttemptsMax; draw += 1) {
      // A drawn number someone already holds inserts nothing (and answers no row): draw again.
      // ON CONFLICT keeps the surrounding transaction usable, where a unique violation would abort it.
      const [row] = await sql<AccountRow[]>`
        WITH a AS (
          INSERT INTO accounts (number, kind, owner_user_id, balance_cents, version, opened_at, changed_seq)
          VALUES (${this.#drawAccountNumber()}, ${kind}, ${ownerUserId}, 0, 1, ${openedAt}, ${commitSeq})
          ON CONFLICT (number) DO NOTHING
          RETURNING *
        )
        SELECT ${accountColumns(sql)} FROM a LEFT JOIN users u ON u.id = a.owner_user_id`;
      if (row === undefined) continue;
      const account = accountStateOf(row);
      this.#held()?.writes.inserted(account);
      return account;
    }
    throw new Error(`every one of ${accountNumberDrawAttemptsMax} drawn account numbers is taken`);
  }

  async listAccounts(ownerUserId: number): Promise<AccountState[]> {
    const sql = this.#query();
    const rows = await sql<AccountRow[]>`${accountSelect(sql)} WHERE a.owner_user_id = ${ownerUserId} ORDER BY a.id`;
    return rows.map(accountStateOf);
  }

  /**
   * One round trip: the transaction, all its entries (in posting order) and every balance move, as
   * data-modifying CTEs of one statement. A balance moves only from the state the caller read.
   */
  async record(movement: MovementPlan, by: { id: number; username: string }, requestId: string | null, createdAt: string, commitSeq: number): Promise<RecordedMovement> {
    const held = this.#held();
    if (held !== null && held.writes.canRecord(movement)) {
      const id = held.writes.takeTransactionId() ?? (await this.#takeTransactionIds(held.connection, 1))[0]!;
      return held.writes.record(movement, by, requestId, createdAt, commitSeq, id);
    }
    const sql = this.#query();
    const { postings } = movement;
    const accountIds = postings.map(({ account }) => account.id);
    const postingCents = postings.map(({ amountCents }) => amountCents);
    const newBalances = postings.map(({ account, amountCents }) => balanceAfter(account, amountCents));
    const [row] = await sql<Array<{ id: number; moved: number }>>`
      WITH t AS (
        INSERT INTO ledger_transactions (kind, amount_cents, from_account_id, to_account_id, user_id, request_id, created_at, commit_seq)
        VALUES (${movement.kind}, ${movement.amountCents}, ${movement.from?.id ?? null}, ${movement.to?.id ?? null},
                ${by.id}, ${requestId}, ${createdAt}, ${commitSeq})
        RETURNING id
      ), e AS (
        INSERT INTO ledger_entries (transaction_id, account_id, amount_cents)
        SELECT t.id, p.account_id, p.amount_cents
        FROM t, unnest(${accountIds}::bigint[], ${postingCents}::bigint[]) WITH ORDINALITY AS p (account_id, amount_cents, posting)
        ORDER BY p.posting
      ), moved AS (
        UPDATE accounts a SET balance_cents = m.new_balance, version = a.version + 1, changed_seq = ${commitSeq}
        FROM unnest(
          ${accountIds}::bigint[], ${newBalances}::bigint[],
          ${postings.map(({ account }) => account.balanceCents)}::bigint[], ${postings.map(({ account }) => account.version)}::bigint[]
        ) AS m (id, new_balance, old_balance, old_version)
        WHERE a.id = m.id AND a.balance_cents = m.old_balance AND a.version = m.old_version
        RETURNING a.id
      )
      SELECT t.id, (SELECT COUNT(*) FROM moved) AS moved FROM t`;
    // The caller holds these accounts' locks and read them in this transaction: none can have moved.
    if (row === undefined || row.moved !== postings.length) {
      throw new Error(`an account of ${movement.kind} changed under its lock (${row?.moved ?? 0} of ${postings.length} balances moved)`);
    }
    const accounts = postings.map(({ account }, index) => ({ ...account, balanceCents: newBalances[index]!, version: account.version + 1 }));
    for (const account of accounts) held?.writes.inserted(account);
    return { transaction: recordedTransaction(movement, by, requestId, createdAt, commitSeq, row.id), accounts };
  }

  async history(filter: HistoryFilter): Promise<TransactionView[]> {
    const sql = this.#query();
    const none = sql``;
    const rows = await sql<TransactionRow[]>`${transactionSelect(sql)}
      WHERE true
      ${filter.beforeId === undefined ? none : sql`AND t.id < ${filter.beforeId}`}
      ${filter.kind === undefined ? none : sql`AND t.kind = ${filter.kind}`}
      ${filter.accountId === undefined ? none : sql`AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id AND e.account_id = ${filter.accountId})`}
      ${
        filter.ownerUserId === undefined
          ? none
          : sql`AND EXISTS (SELECT 1 FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
                            WHERE e.transaction_id = t.id AND a.owner_user_id = ${filter.ownerUserId})`
      }
      ORDER BY t.id DESC LIMIT ${filter.limit}`;
    return this.#withEntries(sql, rows, filter.requestIdsOf);
  }

  async accountsChangedSince(sinceSeq: number, ownerUserId: number | undefined, limit: number): Promise<AccountState[]> {
    const sql = this.#query();
    const rows =
      ownerUserId === undefined
        ? await sql<AccountRow[]>`${accountSelect(sql)} WHERE a.changed_seq > ${sinceSeq} AND a.kind <> 'system' ORDER BY a.id LIMIT ${limit}`
        : await sql<AccountRow[]>`${accountSelect(sql)} WHERE a.owner_user_id = ${ownerUserId} AND a.changed_seq > ${sinceSeq} ORDER BY a.id LIMIT ${limit}`;
    return rows.map(accountStateOf);
  }

  async transactionsSince(sinceSeq: number, limit: number): Promise<TransactionView[]> {
    const sql = this.#query();
    const rows = await sql<TransactionRow[]>`${transactionSelect(sql)} WHERE t.commit_seq > ${sinceSeq} ORDER BY t.commit_seq, t.id LIMIT ${limit}`;
    return this.#withEntries(sql, rows, undefined);
  }

  /** `requestIdsOf`: show only that user's own request ids; undefined shows every one. */
  async #withEntries(sql: PostgresConnection, rows: readonly TransactionRow[], requestIdsOf: number | undefined): Promise<TransactionView[]> {
    if (rows.length === 0) return [];
    const entries = await sql<StoredEntry[]>`
      SELECT e.transaction_id, a.number, e.amount_cents FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
      WHERE e.transaction_id = ANY(${rows.map((row) => row.id)}::bigint[]) ORDER BY e.id`;
    return transactionViews(rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() })), entries, requestIdsOf);
  }

  async totals(): Promise<{ depositsCents: number; loansOwedCents: number }> {
    const sql = this.#query();
    const [row] = await sql<Array<{ deposits: number; loans: number }>>`
      SELECT COALESCE(SUM(balance_cents) FILTER (WHERE kind IN ('checking', 'savings')), 0)::bigint AS deposits,
             COALESCE(SUM(balance_cents) FILTER (WHERE kind = 'loan'), 0)::bigint AS loans
      FROM accounts`;
    return { depositsCents: row!.deposits, loansOwedCents: row!.loans };
  }

  async movementTotals(): Promise<MovementTotals> {
    const sql = this.#query();
    const rows = await sql<Array<{ kind: TransactionKind; opened_loan: boolean; amount_cents: number }>>`
      SELECT t.kind, COALESCE(a.kind = 'loan', false) AS opened_loan, SUM(t.amount_cents)::bigint AS amount_cents
      FROM ledger_transactions t LEFT JOIN accounts a ON a.id = t.to_account_id
      GROUP BY t.kind, opened_loan`;
    const totals: MovementTotals = { depositsCents: 0, loansCents: 0 };
    for (const { kind, opened_loan: openedLoan, amount_cents: amountCents } of rows) {
      const effect = movementTotalsEffect(kind, kind === 'open_account' && openedLoan, amountCents);
      totals.depositsCents += effect.depositsCents;
      totals.loansCents += effect.loansCents;
    }
    return totals;
  }

  async countLedger(): Promise<LedgerTotals> {
    const sql = this.#query();
    const [row] = await sql<LedgerTotals[]>`
      SELECT (SELECT COUNT(*) FROM ledger_transactions) AS transactions,
             (SELECT COUNT(*) FROM ledger_entries) AS entries,
             (SELECT COUNT(*) FROM accounts) AS accounts`;
    return { transactions: row!.transactions, entries: row!.entries, accounts: row!.accounts };
  }

  /** The four checks in one statement: one round trip, and one snapshot whatever transaction the caller is in. */
  async findings(): Promise<LedgerFindings> {
    const sql = this.#query();
    const [row] = await sql<Array<{ unbalanced: LedgerFindings['unbalancedTransactions']; too_few: number[]; mismatches: LedgerFindings['balancesNotMatchingEntries']; negative: LedgerFindings['negativeBalances'] }>>`
      SELECT
        (SELECT COALESCE(json_agg(json_build_object('transactionId', transaction_id, 'sumCents', sum_cents) ORDER BY transaction_id), '[]')
         FROM (SELECT transaction_id, SUM(amount_cents) AS sum_cents FROM ledger_entries
               GROUP BY transaction_id HAVING SUM(amount_cents) <> 0 ORDER BY transaction_id LIMIT ${findingsRowsMax}) unbalanced
        ) AS unbalanced,
        (SELECT COALESCE(json_agg(id ORDER BY id), '[]')
         FROM (SELECT t.id FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
               WHERE t.amount_cents > 0 GROUP BY t.id HAVING COUNT(e.id) < 2 ORDER BY t.id LIMIT ${findingsRowsMax}) too_few
        ) AS too_few,
        (SELECT COALESCE(json_agg(json_build_object('number', number, 'balanceCents', balance_cents, 'entriesCents', entries_cents) ORDER BY id), '[]')
         FROM (SELECT id, number, balance_cents, entries_cents FROM (
                 SELECT a.id, a.number, a.balance_cents,
                        (CASE WHEN a.kind IN ('loan', 'system') THEN 1 ELSE -1 END) * COALESCE(SUM(e.amount_cents), 0) AS entries_cents
                 FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
                 GROUP BY a.id
               ) derived
               WHERE balance_cents <> entries_cents ORDER BY id LIMIT ${findingsRowsMax}) mismatches
        ) AS mismatches,
        (SELECT COALESCE(json_agg(json_build_object('number', number, 'balanceCents', balance_cents) ORDER BY id), '[]')
         FROM (SELECT id, number, balance_cents FROM accounts
               WHERE kind <> 'system' AND balance_cents < 0 ORDER BY id LIMIT ${findingsRowsMax}) negative
        ) AS negative`;
    return {
      unbalancedTransactions: row!.unbalanced,
      transactionsWithTooFewEntries: row!.too_few,
      balancesNotMatchingEntries: row!.mismatches,
      negativeBalances: row!.negative,
    };
  }
}
