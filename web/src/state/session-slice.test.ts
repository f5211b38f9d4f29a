import { describe, expect, it } from 'vitest';
import type { CartView } from '../../../shared/protocol.ts';
import { createTallyStore } from './store.ts';

function cartOf(quantity: number): CartView {
  return {
    lines: [{ productId: 1, name: 'Mug', unitPriceCents: 1_800, quantity, lineTotalCents: 1_800 * quantity }],
    totalCents: 1_800 * quantity,
  };
}

describe('session slice', () => {
  it('ignores a cart from a reply about an older commit than the cart it holds', () => {
    const store = createTallyStore();
    store.getState().sessionStarted({ id: 1, name: 'Ada', address: 'Here' }, cartOf(1), 10);

    store.getState().applyCart(cartOf(3), 14);
    store.getState().applyCart(cartOf(2), 12);

    expect(store.getState().cart).toEqual(cartOf(3));
    expect(store.getState().cartSeq).toBe(14);
  });

  it('forgets the shopper and the cart when the session ends', () => {
    const store = createTallyStore();
    store.getState().sessionStarted({ id: 1, name: 'Ada', address: 'Here' }, cartOf(2), 3);

    store.getState().sessionEnded();

    expect(store.getState().sessionStatus).toBe('anonymous');
    expect(store.getState().shopper).toBeNull();
    expect(store.getState().cart.lines).toEqual([]);
  });
});
