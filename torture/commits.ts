/**
 * The final state's committed rows (ledger transactions and orders) as one list in commit order,
 * and indexed by requestId, so every check finds a request's rows in O(1).
 */
import type { OrderView, TransactionView } from '../shared/protocol.ts';
import type { TortureHistory } from './history.ts';
import type { ViolationLog } from './violations.ts';

export type CommittedRow =
  | { table: 'transaction'; seq: number; id: number; requestId: string | null; transaction: TransactionView }
  | { table: 'order'; seq: number; id: number; requestId: string | null; shopper: string; order: OrderView };

export interface CommitIndex {
  /** Rows committed after setup, by seq, then by transaction id or order number. */
  rows: CommittedRow[];
  /** The rows carrying each requestId, in commit order. */
  byRequestId: Map<string, CommittedRow[]>;
}

/**
 * Rows at or before the setup seq are ignored: they are setup's own commits (opening accounts), and
 * the initial state already holds their effects.
 */
export function indexCommits({ initial, final }: TortureHistory, log: ViolationLog): CommitIndex {
  const transactions: CommittedRow[] = final.transactions.map((transaction) => ({
    table: 'transaction',
    seq: transaction.seq,
    id: transaction.id,
    requestId: transaction.requestId,
    transaction,
  }));
  const orders: CommittedRow[] = final.orders.map(({ shopper, order }) => ({
    table: 'order',
    seq: order.seq,
    id: order.orderNumber,
    requestId: order.requestId,
    shopper,
    order,
  }));
  reportRepeatedIds(transactions, 'ledger transaction', log);
  reportRepeatedIds(orders, 'order', log);
  const rows = [...transactions, ...orders].filter((row) => row.seq > initial.seq).sort(byCommitOrder);
  for (const row of rows) {
    if (row.seq > final.seq) {
      log.add('history_invalid', row.requestId, `${rowName(row)} has seq ${row.seq}, after the final state's seq ${final.seq}.`);
    }
  }
  return { rows, byRequestId: groupByRequestId(rows) };
}

/**
 * Ids and order numbers grow in execution order, so they order the rows of one commit. Money and
 * stock are independent, so which table goes first within a seq does not matter.
 */
function byCommitOrder(left: CommittedRow, right: CommittedRow): number {
  if (left.seq !== right.seq) return left.seq - right.seq;
  if (left.table !== right.table) return left.table === 'transaction' ? -1 : 1;
  return left.id - right.id;
}

function groupByRequestId(rows: readonly CommittedRow[]): Map<string, CommittedRow[]> {
  const byRequestId = new Map<string, CommittedRow[]>();
  for (const row of rows) {
    if (row.requestId === null) continue;
    const group = byRequestId.get(row.requestId);
    if (group === undefined) byRequestId.set(row.requestId, [row]);
    else group.push(row);
  }
  return byRequestId;
}

function reportRepeatedIds(rows: readonly CommittedRow[], what: string, log: ViolationLog): void {
  const seen = new Set<number>();
  for (const row of rows) {
    if (seen.has(row.id)) log.add('history_invalid', row.requestId, `The final state lists ${what} ${row.id} more than once.`);
    seen.add(row.id);
  }
}

/** "ledger transaction 12 (seq 7)" or "order 3 (seq 7)". */
export function rowName(row: CommittedRow): string {
  return `${row.table === 'transaction' ? 'ledger transaction' : 'order'} ${row.id} (seq ${row.seq})`;
}
