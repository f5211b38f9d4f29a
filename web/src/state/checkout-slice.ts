import type { OrderView, StockShortfall } from '../../../shared/protocol.ts';
import type { TallySliceCreator } from './store.ts';

/**
 * Where the shopper is between filling the cart and an outcome. The review shows the cart as it is,
 * and confirming sends the total on screen as `expectedTotalCents`.
 */
export type CheckoutFlow =
  | { step: 'cart' }
  | { step: 'review'; notice: string | null }
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
