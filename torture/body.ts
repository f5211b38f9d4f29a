/**
 * Is the committed row what the request asked for? A money request must have made a transaction
 * of its kind, amount and accounts, by its issuer; a checkout must have made an order of the
 * shopper's cart, at the total the shopper reviewed.
 */
import type { OrderView, TransactionKind, TransactionView } from '../shared/protocol.ts';
import type { CommittedRow } from './commits.ts';
import type { OperationRecord, TortureOperation } from './history.ts';
import { describeLines, movedAccounts } from './model.ts';

type MoneyOperation = Exclude<TortureOperation, { type: 'checkout' }>;
type CheckoutOperation = Extract<TortureOperation, { type: 'checkout' }>;

const transactionKindOf = {
  'bank.transfer': 'transfer',
  'bank.deposit': 'deposit',
  'bank.withdraw': 'withdrawal',
} as const satisfies Record<MoneyOperation['type'], TransactionKind>;

/** What differs between the request and its committed row, in words; null when nothing does. */
export function bodyMismatch({ operation, issuer }: OperationRecord, row: CommittedRow): string | null {
  if (operation.type === 'checkout') {
    if (row.table !== 'order') return 'a checkout must place an order';
    return orderMismatch(operation, issuer, row.shopper, row.order);
  }
  if (row.table !== 'transaction') return `a ${operation.type} must make a ledger transaction`;
  return transactionMismatch(operation, issuer, row.transaction);
}

function transactionMismatch(operation: MoneyOperation, issuer: string, transaction: TransactionView): string | null {
  const kind = transactionKindOf[operation.type];
  if (transaction.kind !== kind) return `its kind is ${transaction.kind}, not ${kind}`;
  if (transaction.amountCents !== operation.amountCents) {
    return `it moved ${transaction.amountCents} cents, not the ${operation.amountCents} asked`;
  }
  const [from, to] = movedAccounts(operation);
  if (transaction.fromAccountNumber !== from || transaction.toAccountNumber !== to) {
    return `it moved money from ${transaction.fromAccountNumber ?? 'outside'} to ${transaction.toAccountNumber ?? 'outside'}, not from ${from ?? 'outside'} to ${to ?? 'outside'}`;
  }
  if (transaction.username.toLowerCase() !== issuer.toLowerCase()) return `it was made by ${transaction.username}, not ${issuer}`;
  return null;
}

function orderMismatch(operation: CheckoutOperation, issuer: string, shopper: string, order: OrderView): string | null {
  if (shopper !== issuer) return `it was placed by ${shopper}, not ${issuer}`;
  if (order.totalCents !== operation.expectedTotalCents) {
    return `its total is ${order.totalCents} cents, not the ${operation.expectedTotalCents} reviewed`;
  }
  if (!sameQuantities(order.lines, operation.lines)) {
    return `it holds ${describeLines(order.lines)}, not the cart's ${describeLines(operation.lines)}`;
  }
  return null;
}

type Line = { productId: number; quantity: number };

function sameQuantities(left: readonly Line[], right: readonly Line[]): boolean {
  const leftQuantities = quantitiesByProduct(left);
  const rightQuantities = quantitiesByProduct(right);
  if (leftQuantities.size !== rightQuantities.size) return false;
  for (const [productId, quantity] of leftQuantities) {
    if (rightQuantities.get(productId) !== quantity) return false;
  }
  return true;
}

function quantitiesByProduct(lines: readonly Line[]): Map<number, number> {
  const quantities = new Map<number, number>();
  for (const { productId, quantity } of lines) quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  return quantities;
}
