import type { CartLineView, OrderView, StockShortfall } from '../../../shared/protocol.ts';
import type { ShownFailure } from './connection-slice.ts';
import type { TallySliceCreator } from './store.ts';

/** What "update cart to what is left" did to one line: `to` 0 removed it. */
export interface CartAdjustment {
  productId: number;
  name: string;
  from: number;
  to: number;
}

/**
 * Where the shopper is between filling the cart and an outcome. The review shows the cart as it is,
 * and confirming sends the total on screen as `expectedTotalCents`.
 */
export type CheckoutFlow =
  /** `adjustments`: the lines just cut down to what was left after a lost race, until the cart next changes. */
  | { step: 'cart'; adjustments?: readonly CartAdjustment[] }
  | { step: 'review'; notice: ShownFailure | null }
  /** `retrying`: the connection dropped; the same checkout goes out again once reconnected. */
  | { step: 'placing'; retrying: boolean }
  | { step: 'confirmed'; order: OrderView }
  | { step: 'conflict'; message: string; shortfalls: readonly StockShortfall[] };

export interface CheckoutSlice {
  checkout: CheckoutFlow;
  setCheckout: (flow: CheckoutFlow) => void;
}

export const createCheckoutSlice: TallySliceCreator<CheckoutSlice> = (set) => ({
  checkout: { step: 'cart' },
  setCheckout: (checkout) => set({ checkout }),
});

/**
 * After a lost race: the quantity each short line of the cart should now hold, at most what the
 * checkout's refusal said was left and at most the stock the tab has seen since (it may have dropped
 * again). 0 removes the line. Lines the refusal did not name are left alone, and so are short lines
 * no longer in the cart or already holding no more than what is left.
 */
export function planCartUpdate(
  shortfalls: readonly StockShortfall[],
  lines: readonly Pick<CartLineView, 'productId' | 'quantity'>[],
  stockNow: (productId: number) => number | undefined,
): CartAdjustment[] {
  const adjustments: CartAdjustment[] = [];
  for (const shortfall of shortfalls) {
    const line = lines.find((candidate) => candidate.productId === shortfall.productId);
    if (line === undefined) continue;
    const seen = stockNow(shortfall.productId);
    const left = Math.max(0, Math.min(shortfall.available, seen ?? shortfall.available));
    if (line.quantity <= left) continue;
    adjustments.push({ productId: shortfall.productId, name: shortfall.name, from: line.quantity, to: left });
  }
  return adjustments;
}

/** "Limited Geisha Lot: 2 → 1, another shopper bought the rest", or "Burr Grinder removed: sold out". */
export function cartAdjustmentLabel(adjustment: CartAdjustment): string {
  if (adjustment.to === 0) return `${adjustment.name} removed: sold out`;
  return `${adjustment.name}: ${adjustment.from} → ${adjustment.to}, another shopper bought the rest`;
}
