/**
 * The store's business rules as pure functions: no storage, no clock, no I/O.
 * Operations gather the facts, ask these, and act on the answer.
 */
import type { CartView, StockShortfall } from '../../shared/protocol.ts';
import { cartLinesMax, lineQuantityMax } from '../../shared/limits.ts';
import { multiplyCents, sumCents } from '../../shared/money.ts';
import type { CartLineRow } from './store-repository.ts';

export function cartView(lines: readonly CartLineRow[]): CartView {
  const viewLines = lines.map((line) => ({
    productId: line.productId,
    name: line.name,
    unitPriceCents: line.unitPriceCents,
    quantity: line.quantity,
    lineTotalCents: multiplyCents(line.unitPriceCents, line.quantity),
  }));
  return { lines: viewLines, totalCents: sumCents(viewLines.map((line) => line.lineTotalCents)) };
}

export type CartLineVerdict =
  | { kind: 'ok' }
  | { kind: 'insufficient_stock'; shortfall: StockShortfall }
  | { kind: 'cart_full' }
  | { kind: 'quantity_limit' };

/**
 * May this cart hold `quantity` of the product? Checked against the stock now: a cart does not
 * reserve stock, so checkout checks again.
 */
export function checkCartLine(
  product: { id: number; name: string; stock: number },
  quantity: number,
  cart: readonly CartLineRow[],
): CartLineVerdict {
  const isNewLine = !cart.some((line) => line.productId === product.id);
  if (quantity > 0 && isNewLine && cart.length >= cartLinesMax) return { kind: 'cart_full' };
  if (quantity > lineQuantityMax) return { kind: 'quantity_limit' };
  if (quantity > product.stock) {
    return {
      kind: 'insufficient_stock',
      shortfall: { productId: product.id, name: product.name, requested: quantity, available: product.stock },
    };
  }
  return { kind: 'ok' };
}

export function currentQuantity(cart: readonly CartLineRow[], productId: number): number {
  return cart.find((line) => line.productId === productId)?.quantity ?? 0;
}

export type CheckoutPlan =
  | { kind: 'ok'; cart: CartView }
  | { kind: 'cart_empty' }
  | { kind: 'cart_changed'; cart: CartView }
  | { kind: 'out_of_stock'; shortfalls: StockShortfall[] };

/**
 * Checkout is all or nothing: every line must be in stock now, and the cart must still add up
 * to the total the shopper reviewed.
 */
export function planCheckout(lines: readonly CartLineRow[], expectedTotalCents: number): CheckoutPlan {
  if (lines.length === 0) return { kind: 'cart_empty' };
  const cart = cartView(lines);
  if (cart.totalCents !== expectedTotalCents) return { kind: 'cart_changed', cart };
  const shortfalls = lines
    .filter((line) => line.quantity > line.stock)
    .map((line) => ({ productId: line.productId, name: line.name, requested: line.quantity, available: line.stock }));
  if (shortfalls.length > 0) return { kind: 'out_of_stock', shortfalls };
  return { kind: 'ok', cart };
}
