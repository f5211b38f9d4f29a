import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SocketLike } from '../../../shared/client/protocol-client.ts';
import { product, startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { SessionSync } from '../net/session-sync.ts';
import { memorySessionTokenStorage } from '../net/session-token-storage.ts';
import { createTallyStore, type TallyStore } from '../state/store.ts';
import { createShopActions, type ShopActions } from './shop-actions.ts';
import { until } from '../state/store-until.ts';

/** Shoppers' actions against a real server, each shopper its own tab (store, sync, socket). */
interface ShopperTab {
  store: TallyStore;
  actions: ShopActions;
}

let server: TestServer;
const syncs: SessionSync[] = [];

beforeEach(async () => {
  server = await startTestServer([product('Geisha Lot', 3, 4_800), product('Burr Grinder', 1, 12_900), product('Mug', 9, 1_800)]);
});

afterEach(async () => {
  await Promise.all(syncs.splice(0).map((sync) => sync.close()));
  await server.dispose();
});

async function openShopper(name: string): Promise<ShopperTab> {
  const store = createTallyStore();
  const sync = new SessionSync({
    url: server.webSocketUrl,
    store,
    tokenStorage: memorySessionTokenStorage(),
    createSocket: (url: string) => new WebSocket(url) as unknown as SocketLike,
  });
  syncs.push(sync);
  sync.start();
  await until(store, (state) => state.connectionStatus === 'online');
  const actions = createShopActions(sync, store);
  await actions.startSession(name, `${name}'s house`);
  return { store, actions };
}

function productId(tab: ShopperTab, name: string): number {
  const state = tab.store.getState();
  const id = state.productIds.find((candidate) => state.productsById[candidate]?.name === name);
  if (id === undefined) throw new Error(`no product ${name}`);
  return id;
}

describe('shop actions after a lost checkout race', () => {
  it('cut the short lines to what is left, keep the rest of the cart, and say what changed', async () => {
    const [ann, bob] = [await openShopper('Ann'), await openShopper('Bob')];
    const [geisha, grinder, mug] = ['Geisha Lot', 'Burr Grinder', 'Mug'].map((name) => productId(ann, name)) as [number, number, number];
    await ann.actions.addToCart(geisha, 2);
    await ann.actions.addToCart(grinder, 1);
    await ann.actions.addToCart(mug, 1);
    await bob.actions.addToCart(geisha, 2);
    await bob.actions.addToCart(grinder, 1);
    bob.actions.reviewOrder();
    await bob.actions.confirmOrder();
    expect(bob.store.getState().checkout.step).toBe('confirmed');

    ann.actions.reviewOrder();
    await ann.actions.confirmOrder();
    expect(ann.store.getState().checkout.step).toBe('conflict');
    await ann.actions.updateCartToWhatIsLeft();

    const quantities = ann.store.getState().cart.lines.map((line) => [line.name, line.quantity]);
    expect(quantities).toEqual([
      ['Geisha Lot', 1],
      ['Mug', 1],
    ]);
    expect(ann.store.getState().checkout).toEqual({
      step: 'cart',
      adjustments: [
        { productId: geisha, name: 'Geisha Lot', from: 2, to: 1 },
        { productId: grinder, name: 'Burr Grinder', from: 1, to: 0 },
      ],
    });

    // The next edit of the cart is a new story: the notice about the race goes.
    await ann.actions.setLineQuantity(mug, 2);
    expect(ann.store.getState().checkout).toEqual({ step: 'cart' });
  });
});
