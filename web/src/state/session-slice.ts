import type { CartView, ShopperView } from '../../../shared/protocol.ts';
import type { TallySliceCreator } from './store.ts';

/** `resuming`: a stored token is being checked, so the tab shows neither the form nor the cart yet. */
export type SessionStatus = 'anonymous' | 'resuming' | 'active';

export const emptyCart: CartView = { lines: [], totalCents: 0 };

export interface SessionSlice {
  sessionStatus: SessionStatus;
  shopper: ShopperView | null;
  cart: CartView;
  /** Commit seq of the cart held; a reply about an older commit cannot overwrite a newer cart. */
  cartSeq: number;
  sessionResuming: () => void;
  sessionStarted: (shopper: ShopperView, cart: CartView, seq: number) => void;
  sessionEnded: () => void;
  /** Applies a cart from a reply committed at `seq`, unless a newer one is held. */
  applyCart: (cart: CartView, seq: number) => void;
}

export const createSessionSlice: TallySliceCreator<SessionSlice> = (set, get) => ({
  sessionStatus: 'anonymous',
  shopper: null,
  cart: emptyCart,
  cartSeq: 0,
  sessionResuming: () => set({ sessionStatus: 'resuming' }),
  sessionStarted: (shopper, cart, seq) => set({ sessionStatus: 'active', shopper, cart, cartSeq: seq }),
  sessionEnded: () => set({ sessionStatus: 'anonymous', shopper: null, cart: emptyCart, cartSeq: 0 }),
  applyCart: (cart, seq) => {
    if (seq < get().cartSeq) return;
    set({ cart, cartSeq: seq });
  },
});
