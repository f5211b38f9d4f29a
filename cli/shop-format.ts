/**
 * The shop dialogue's pure parts: reading a typed answer and laying out what is shown. No I/O, so
 * each is tested alone (cli/shop-dialogue.test.ts).
 */
import { formatCents } from '../shared/money.ts';
import { lineQuantityMax } from '../shared/limits.ts';
import { SessionStart, type CartView, type OrderView, type ProductView, type StockShortfall } from '../shared/protocol.ts';
import { formatTable } from './format.ts';

export type Parsed<Value> = { ok: true; value: Value } | { ok: false; problem: string };

/** y / yes / n / no, any case; null for anything else. */
export function parseYesNo(text: string): boolean | null {
  const answer = text.trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return true;
  if (answer === 'n' || answer === 'no') return false;
  return null;
}

/** A name or address as session.start takes it: the protocol's own rule (trimmed, bounded, no control characters). */
export function parseShopperText(field: 'name' | 'address', text: string): Parsed<string> {
  const parsed = SessionStart.shape[field].safeParse(text);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: `Sorry, ${parsed.error.issues[0]?.message ?? `that ${field} is not valid`}; please try again.` };
}

/** A whole number of units, 1 to lineQuantityMax. Whether that many are in stock is the server's to say. */
export function parseQuantity(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'Please type how many you would like, e.g. 1.' };
  if (!/^\d+$/.test(trimmed)) return { ok: false, problem: `"${trimmed}" is not a whole number; please type a number from 1 to ${lineQuantityMax}.` };
  // Digits past the limit's length are over it, and checking first keeps Number() exact.
  const quantity = trimmed.replace(/^0+(?=\d)/, '').length > String(lineQuantityMax).length ? Number.POSITIVE_INFINITY : Number(trimmed);
  if (quantity < 1) return { ok: false, problem: 'Please order at least 1.' };
  if (quantity > lineQuantityMax) return { ok: false, problem: `At most ${lineQuantityMax} of one product per order; please type a smaller number.` };
  return { ok: true, value: quantity };
}

/** Units of a product in the cart. */
export function quantityInCart(cart: CartView, productId: number): number {
  return cart.lines.find((line) => line.productId === productId)?.quantity ?? 0;
}

/** Units the shopper could still add, as far as the listed stock knows. */
export function unitsLeftToAdd(product: ProductView, cart: CartView): number {
  return Math.max(0, product.stock - quantityInCart(cart, product.id));
}

/** A product by its # (its id) or its name, any case; refused when the listing shows none left to add. */
export function chooseProduct(products: readonly ProductView[], text: string, cart: CartView): Parsed<ProductView> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'Please type the # of a product from the list (or its name).' };
  const product = /^\d+$/.test(trimmed)
    ? products.find((candidate) => String(candidate.id) === trimmed.replace(/^0+(?=\d)/, ''))
    : products.find((candidate) => candidate.name.toLowerCase() === trimmed.toLowerCase());
  if (product === undefined) return { ok: false, problem: `There is no product "${trimmed}"; please type a # from the list (or its name).` };
  if (product.stock === 0) return { ok: false, problem: `Sorry, ${product.name} is sold out; please choose another product.` };
  if (unitsLeftToAdd(product, cart) === 0) {
    return { ok: false, problem: `All ${product.stock} ${product.name} in stock are already in your cart; please choose another product.` };
  }
  return { ok: true, value: product };
}

export function formatProducts(products: readonly ProductView[]): string {
  return formatTable(
    [{ title: '#', align: 'right' }, { title: 'product' }, { title: 'price', align: 'right' }, { title: 'in stock', align: 'right' }],
    products.map((product) => [String(product.id), product.name, formatCents(product.priceCents), product.stock === 0 ? 'sold out' : String(product.stock)]),
  );
}

/** The order summary: a line per product with its total, then the total bill. */
export function formatCartSummary(cart: CartView): string {
  const table = formatTable(
    [{ title: 'product' }, { title: 'price', align: 'right' }, { title: 'qty', align: 'right' }, { title: 'line total', align: 'right' }],
    cart.lines.map((line) => [line.name, formatCents(line.unitPriceCents), String(line.quantity), formatCents(line.lineTotalCents)]),
  );
  return `${table}\nTotal bill: ${formatCents(cart.totalCents)}`;
}

export function describeOrder(order: OrderView): string {
  const items = order.lines.map((line) => `${line.quantity} × ${line.name}`).join(', ');
  return `Order ${order.orderNumber} placed: ${items}; total ${formatCents(order.totalCents)}, shipping to ${order.shipTo.name}, ${order.shipTo.address}.`;
}

/** What a checkout refused with `out_of_stock` says: the seed's "another client has purchased the items". */
export function describeShortfalls(shortfalls: readonly StockShortfall[]): string[] {
  if (shortfalls.length === 1) {
    const [shortfall] = shortfalls as [StockShortfall];
    return [`Sorry — another client purchased ${shortfall.name} first: only ${shortfall.available} left. Your order was not placed.`];
  }
  return [
    'Sorry — another client purchased some of these items first:',
    ...shortfalls.map((shortfall) => `  ${shortfall.name}: only ${shortfall.available} left (you wanted ${shortfall.requested})`),
    'Your order was not placed.',
  ];
}
