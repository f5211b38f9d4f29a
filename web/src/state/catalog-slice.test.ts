import { describe, expect, it } from 'vitest';
import type { ProductView } from '../../../shared/protocol.ts';
import { mergeNewerProducts } from './catalog-slice.ts';
import { createTallyStore, resetTallyStore } from './store.ts';

function product(id: number, stock: number, version: number): ProductView {
  return { id, name: `Product ${id}`, description: 'for tests', emoji: '🧪', priceCents: 1_000, stock, version };
}

describe('catalog slice', () => {
  it('applies a product only when its version is newer than the one held', () => {
    const store = createTallyStore();
    store.getState().applyProducts([product(1, 10, 3)]);

    store.getState().applyProducts([product(1, 7, 2)]);
    expect(store.getState().productsById[1]).toEqual(product(1, 10, 3));

    store.getState().applyProducts([product(1, 8, 3)]);
    expect(store.getState().productsById[1]?.stock).toBe(10);

    store.getState().applyProducts([product(1, 4, 5)]);
    expect(store.getState().productsById[1]).toEqual(product(1, 4, 5));
  });

  it('keeps frames arriving out of order from moving stock backwards', () => {
    const store = createTallyStore();
    const frames = [[product(1, 5, 1)], [product(1, 2, 4)], [product(1, 4, 2)], [product(1, 3, 3)]];
    for (const frame of frames) store.getState().applyProducts(frame);
    expect(store.getState().productsById[1]).toEqual(product(1, 2, 4));
  });

  it('takes the newest copy when one frame holds the same product twice', () => {
    const merged = mergeNewerProducts({}, [product(1, 3, 2), product(1, 9, 1)]);
    expect(merged[1]).toEqual(product(1, 3, 2));
  });

  it('does not notify subscribers when nothing was newer', () => {
    const store = createTallyStore();
    store.getState().applyProducts([product(1, 10, 3), product(2, 5, 1)]);
    const before = store.getState();
    let notifications = 0;
    const unsubscribe = store.subscribe(() => (notifications += 1));

    store.getState().applyProducts([product(1, 9, 3), product(2, 5, 1)]);

    unsubscribe();
    expect(notifications).toBe(0);
    expect(store.getState().productsById).toBe(before.productsById);
  });

  it('lists product ids in ascending order and keeps the same array while the ids stay the same', () => {
    const store = createTallyStore();
    store.getState().applyProducts([product(3, 1, 1), product(1, 1, 1), product(2, 1, 1)]);
    const ids = store.getState().productIds;
    expect(ids).toEqual([1, 2, 3]);

    store.getState().applyProducts([product(2, 0, 2)]);
    expect(store.getState().productIds).toBe(ids);
  });

  it('a welcome snapshot drops products it lacks and merges the rest by version', () => {
    const store = createTallyStore();
    store.getState().applyProducts([product(1, 10, 5), product(2, 4, 1)]);

    store.getState().replaceCatalog([product(1, 12, 4), product(3, 7, 1)]);

    expect(store.getState().productIds).toEqual([1, 3]);
    expect(store.getState().productsById[1]).toEqual(product(1, 10, 5));
    expect(store.getState().productsById[3]).toEqual(product(3, 7, 1));
  });

  it('resets to the initial state for the next test', () => {
    const store = createTallyStore();
    store.getState().applyProducts([product(1, 10, 1)]);
    store.getState().setConnectionStatus('online');

    resetTallyStore(store);

    expect(store.getState().productIds).toEqual([]);
    expect(store.getState().connectionStatus).toBe('connecting');
  });
});
