import type Database from 'better-sqlite3';
import type { ClientMessageType, OrderView, TransactionView } from '../../shared/protocol.ts';
import type { Reply } from './fuzz-connection.ts';

/**
 * The bank's and the store's books, re-derived from the database with SQL of the test's own (not
 * the server's `audit.check`): every transaction balances, every balance is the sum of its
 * entries, the totals moved only by money that entered or left the bank, and no stock appeared.
 */
export function booksProblems(database: Database.Database, initialStock: ReadonlyMap<number, number>): string[] {
  return [...ledgerProblems(database), ...totalsProblems(database), ...stockProblems(database, initialStock)];
}

function ledgerProblems(database: Database.Database): string[] {
  const unbalanced = database
    .prepare('SELECT transaction_id AS id, SUM(amount_cents) AS sum FROM ledger_entries GROUP BY transaction_id HAVING SUM(amount_cents) <> 0')
    .all() as Array<{ id: number; sum: number }>;
  const misstated = database
    .prepare(
      `SELECT a.number, a.kind, a.balance_cents AS balance,
              (CASE WHEN a.kind IN ('loan', 'system') THEN 1 ELSE -1 END) * COALESCE(SUM(e.amount_cents), 0) AS derived
       FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
       GROUP BY a.id HAVING balance <> derived`,
    )
    .all() as Array<{ number: string; kind: string; balance: number; derived: number }>;
  const negative = database.prepare("SELECT number, balance_cents AS balance FROM accounts WHERE kind <> 'system' AND balance_cents < 0").all() as Array<{
    number: string;
    balance: number;
  }>;
  return [
    ...unbalanced.map(({ id, sum }) => `ledger transaction ${id}: entries sum to ${sum}, not 0`),
    ...misstated.map(({ number, kind, balance, derived }) => `${kind} account ${number}: balance ${balance}, its entries say ${derived}`),
    ...negative.map(({ number, balance }) => `account ${number} holds ${balance} cents`),
  ];
}

/** Deposits and loans as stored, against what the ledger's movements say they must be. */
function totalsProblems(database: Database.Database): string[] {
  const stored = database
    .prepare(
      `SELECT COALESCE(SUM(CASE WHEN kind IN ('checking', 'savings') THEN balance_cents END), 0) AS deposits,
              COALESCE(SUM(CASE WHEN kind = 'loan' THEN balance_cents END), 0) AS loans,
              COALESCE(SUM(CASE WHEN kind = 'system' THEN balance_cents END), 0) AS cash
       FROM accounts`,
    )
    .get() as { deposits: number; loans: number; cash: number };
  const movements = database
    .prepare(
      `SELECT t.kind, a.kind AS toKind, SUM(t.amount_cents) AS cents
       FROM ledger_transactions t LEFT JOIN accounts a ON a.id = t.to_account_id GROUP BY t.kind, a.kind`,
    )
    .all() as Array<{ kind: string; toKind: string | null; cents: number }>;
  let depositsCents = 0;
  let loansCents = 0;
  for (const { kind, toKind, cents } of movements) {
    if (kind === 'open_account' && toKind === 'loan') loansCents += cents;
    else if (kind === 'open_account' || kind === 'deposit') depositsCents += cents;
    else if (kind === 'withdrawal') depositsCents -= cents;
    else if (kind === 'loan_payment_check') loansCents -= cents;
    else if (kind === 'loan_payment_transfer') {
      depositsCents -= cents;
      loansCents -= cents;
    } else if (kind !== 'transfer') return [`a ledger transaction of unknown kind ${kind}`];
  }
  const problems: string[] = [];
  if (stored.deposits !== depositsCents) problems.push(`deposits total ${stored.deposits}, the ledger's movements say ${depositsCents}`);
  if (stored.loans !== loansCents) problems.push(`loans owed ${stored.loans}, the ledger's movements say ${loansCents}`);
  if (stored.deposits - stored.loans !== stored.cash) problems.push(`deposits less loans ${stored.deposits - stored.loans}, the cash account ${stored.cash}`);
  return problems;
}

function stockProblems(database: Database.Database, initialStock: ReadonlyMap<number, number>): string[] {
  const rows = database
    .prepare('SELECT p.id, p.stock, COALESCE((SELECT SUM(quantity) FROM order_lines l WHERE l.product_id = p.id), 0) AS sold FROM products p')
    .all() as Array<{ id: number; stock: number; sold: number }>;
  return rows
    .filter(({ id, stock, sold }) => stock < 0 || stock + sold !== initialStock.get(id))
    .map(({ id, stock, sold }) => `product ${id}: stock ${stock} + sold ${sold}, started with ${initialStock.get(id)}`);
}

/** What the fuzzing connections were told was committed: transactions and orders, by id. */
export class CommittedOutcomes {
  readonly transactions = new Map<number, { requestId: string; kind: string; amountCents: number }>();
  readonly orders = new Map<number, { requestId: string | null; totalCents: number }>();
  readonly results = new Map<ClientMessageType, number>();
  readonly refusals = new Map<string, number>();

  record(type: ClientMessageType, reply: Reply): void {
    if (reply.type === 'error') {
      this.refusals.set(reply.code, (this.refusals.get(reply.code) ?? 0) + 1);
      return;
    }
    this.results.set(type, (this.results.get(type) ?? 0) + 1);
    const { transaction, order } = reply.result as { transaction?: TransactionView; order?: OrderView };
    if (transaction !== undefined) {
      this.transactions.set(transaction.id, { requestId: reply.requestId, kind: transaction.kind, amountCents: transaction.amountCents });
    }
    if (order !== undefined) this.orders.set(order.orderNumber, { requestId: order.requestId, totalCents: order.totalCents });
  }

  /**
   * Exactly once, both ways: every transaction and order committed after the given ids was
   * answered OK to a fuzzing connection with the same key, and every OK answer is committed. A key
   * in `unanswered` (its reply lost to a close) may or may not have taken effect.
   */
  problemsAgainst(database: Database.Database, after: { transactionId: number; orderId: number }, unanswered: ReadonlySet<string>): string[] {
    const committed = database
      .prepare('SELECT id, request_id AS requestId, kind, amount_cents AS amountCents FROM ledger_transactions WHERE id > ?')
      .all(after.transactionId) as Array<{ id: number; requestId: string; kind: string; amountCents: number }>;
    const orders = database
      .prepare('SELECT id, request_id AS requestId, total_cents AS totalCents FROM orders WHERE id > ?')
      .all(after.orderId) as Array<{ id: number; requestId: string | null; totalCents: number }>;
    const problems: string[] = [];
    for (const row of committed) {
      const told = this.transactions.get(row.id);
      if (told === undefined) {
        if (!unanswered.has(row.requestId)) problems.push(`ledger transaction ${JSON.stringify(row)} was committed but nobody was told so`);
      }
      else if (told.requestId !== row.requestId || told.kind !== row.kind || told.amountCents !== row.amountCents) {
        problems.push(`ledger transaction ${row.id} is ${JSON.stringify(row)}, its answer said ${JSON.stringify(told)}`);
      }
    }
    for (const row of orders) {
      const told = this.orders.get(row.id);
      if (told === undefined) {
        if (row.requestId === null || !unanswered.has(row.requestId)) problems.push(`order ${JSON.stringify(row)} was placed but nobody was told so`);
      }
      else if (told.requestId !== row.requestId || told.totalCents !== row.totalCents) problems.push(`order ${row.id} is ${JSON.stringify(row)}, its answer said ${JSON.stringify(told)}`);
    }
    const committedIds = new Set(committed.map((row) => row.id));
    for (const [id, told] of this.transactions) if (!committedIds.has(id)) problems.push(`transaction ${id} (${told.requestId}) was answered OK but is not in the ledger`);
    const orderIds = new Set(orders.map((row) => row.id));
    for (const [id, told] of this.orders) if (!orderIds.has(id)) problems.push(`order ${id} (${told.requestId}) was answered OK but is not in the database`);
    return problems;
  }
}
