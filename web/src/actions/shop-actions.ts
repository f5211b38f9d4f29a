import { RequestError } from '../../../shared/client/request-error.ts';
import type { SessionSync } from '../net/session-sync.ts';
import { planCartUpdate, type CartAdjustment } from '../state/checkout-slice.ts';
import { shownFailure } from '../state/connection-slice.ts';
import { emptyCart } from '../state/session-slice.ts';
import type { TallyStore } from '../state/store.ts';

/**
 * What a shopper can do, as plain functions over the socket client and the store. Components call
 * these and never touch the socket. Cart changes throw a RequestError for the component to show
 * next to the control that caused it; the checkout's outcomes go into the checkout-flow slice.
 */
export interface ShopActions {
  startSession: (name: string, address: string) => Promise<void>;
  addToCart: (productId: number, quantity: number) => Promise<void>;
  /** 0 removes the line. */
  setLineQuantity: (productId: number, quantity: number) => Promise<void>;
  clearCart: () => Promise<void>;
  reviewOrder: () => void;
  backToCart: () => void;
  confirmOrder: () => Promise<void>;
  /**
   * After a lost race: sets each short line to what is still available (0 removes it), and leaves
   * what it did in the checkout flow for the cart to say.
   */
  updateCartToWhatIsLeft: () => Promise<void>;
}

export function createShopActions(sync: SessionSync, store: TallyStore): ShopActions {
  const state = () => store.getState();
  const { client } = sync;

  async function changeCart(type: 'cart.add' | 'cart.set', productId: number, quantity: number): Promise<void> {
    const { result, seq } = await client.expectCommitted(type, { productId, quantity });
    state().applyCart(result.cart, seq);
  }

  /** The shopper edited the cart: the last outcome on screen (an order confirmed, lines cut after a lost race) is over. */
  function cartEdited(): void {
    const flow = state().checkout;
    if (flow.step === 'confirmed' || (flow.step === 'cart' && flow.adjustments !== undefined)) state().setCheckout({ step: 'cart' });
  }

  async function editCart(type: 'cart.add' | 'cart.set', productId: number, quantity: number): Promise<void> {
    await changeCart(type, productId, quantity);
    cartEdited();
  }

  async function confirmOrder(): Promise<void> {
    const flow = state().checkout;
    if (flow.step !== 'review') return;
    // The total the review shows is the cart's: that is what the shopper agreed to pay.
    const expectedTotalCents = state().cart.totalCents;
    state().setCheckout({ step: 'placing', retrying: false });
    try {
      // If the connection drops, the client sends this same request again once reconnected, and the
      // store answers a repeat with the one real outcome (the order, or why not): never "unknown".
      const { result, seq } = await client.expectCommitted(
        'checkout',
        { expectedTotalCents },
        { onRetrying: () => state().setCheckout({ step: 'placing', retrying: true }) },
      );
      state().applyCart(result.cart, seq);
      state().addOrder(result.order);
      state().setCheckout({ step: 'confirmed', order: result.order });
    } catch (error) {
      checkoutFailed(error);
    }
  }

  function checkoutFailed(error: unknown): void {
    if (error instanceof RequestError && error.code === 'out_of_stock') {
      const shortfalls = error.details?.shortfalls ?? [];
      state().setCheckout({ step: 'conflict', message: error.message, shortfalls });
      return;
    }
    if (error instanceof RequestError && error.code === 'cart_empty') state().applyCart(emptyCart, state().cartSeq);
    const changedCart = error instanceof RequestError ? error.details?.cart : undefined;
    if (changedCart !== undefined) {
      // An error carries no seq: the cart it reports is the newest the server had when it answered.
      state().applyCart(changedCart, state().cartSeq);
    }
    if (state().cart.lines.length === 0) {
      state().setCheckout({ step: 'cart' });
      return;
    }
    state().setCheckout({ step: 'review', notice: shownFailure(error, state().onlineCount) });
  }

  async function updateCartToWhatIsLeft(): Promise<void> {
    const flow = state().checkout;
    if (flow.step !== 'conflict') return;
    const planned = planCartUpdate(flow.shortfalls, state().cart.lines, (productId) => state().productsById[productId]?.stock);
    const done: CartAdjustment[] = [];
    // One line after another: the last reply then holds the whole updated cart.
    for (const adjustment of planned) done.push(await setLineToWhatIsLeft(adjustment));
    state().setCheckout({ step: 'cart', adjustments: done });
  }

  /** If the stock dropped again since the conflict, the refusal says what is left now: one more try with that. */
  async function setLineToWhatIsLeft(adjustment: CartAdjustment): Promise<CartAdjustment> {
    try {
      await changeCart('cart.set', adjustment.productId, adjustment.to);
      return adjustment;
    } catch (error) {
      const left = error instanceof RequestError && error.code === 'insufficient_stock' ? error.details?.shortfalls?.[0]?.available : undefined;
      if (left === undefined) throw error;
      await changeCart('cart.set', adjustment.productId, left);
      return { ...adjustment, to: left };
    }
  }

  return {
    startSession: (name, address) => sync.startSession(name, address),
    addToCart: (productId, quantity) => editCart('cart.add', productId, quantity),
    setLineQuantity: (productId, quantity) => editCart('cart.set', productId, quantity),
    clearCart: async () => {
      const { result, seq } = await client.expectCommitted('cart.clear', {});
      state().applyCart(result.cart, seq);
      cartEdited();
    },
    reviewOrder: () => {
      if (state().cart.lines.length === 0) return;
      state().setCheckout({ step: 'review', notice: null });
    },
    backToCart: () => state().setCheckout({ step: 'cart' }),
    confirmOrder,
    updateCartToWhatIsLeft,
  };
}
