import { formatCents } from '../../../shared/money.ts';
import type { CartLineView } from '../../../shared/protocol.ts';

/** Stock as people read it. Never negative: anything below one unit is sold out. */
export function stockLabel(stock: number): string {
  return stock <= 0 ? 'Sold out' : `${stock} left`;
}

/** Few enough left that the card says so loudly. */
export const lowStockMax = 3;

/** "2 × $24.50" */
export function unitsLabel(line: Pick<CartLineView, 'quantity' | 'unitPriceCents'>): string {
  return `${line.quantity} × ${formatCents(line.unitPriceCents)}`;
}

export function orderTitle(orderNumber: number): string {
  return `Order #${orderNumber}`;
}

export function itemCountLabel(lines: readonly Pick<CartLineView, 'quantity'>[]): string {
  const count = lines.reduce((sum, line) => sum + line.quantity, 0);
  return count === 1 ? '1 item' : `${count} items`;
}

const placedAtFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO 8601 timestamp in the reader's time zone; the raw text if it does not parse. */
export function placedAtLabel(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : placedAtFormat.format(date);
}
