/** The shop's store over the protocol client, in-process against a real server. */
import { afterEach, describe, expect, it } from 'vitest';
import { useTestServer } from '../test/support/server-fixture.ts';
import { product } from '../test/support/test-server.ts';
import { ShopConnection } from './shop-store.ts';

describe('ShopConnection', () => {
  const fixture = useTestServer();
  const connections: ShopConnection[] = [];
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });

  async function open(url: string, serverWaitMs?: number): Promise<ShopConnection> {
    const connection = await ShopConnection.open(url, serverWaitMs === undefined ? {} : { serverWaitMs });
    connections.push(connection);
    return connection;
  }

  it('keeps the stock live: another client’s order shows in the next listing', async () => {
    const server = await fixture.start([product('Lamp', 3, 2500), product('Mug', 5, 1200)]);
    const shop = await open(server.webSocketUrl);
    expect((await shop.products()).map((entry) => [entry.name, entry.stock])).toEqual([['Lamp', 3], ['Mug', 5]]);

    const [other] = await fixture.connect(1);
    await other!.startShopper();
    await other!.expectResult('cart.add', { productId: 1, quantity: 2 });
    const { order } = await other!.expectResult('checkout', { expectedTotalCents: 5000 });
    // The broadcast of that commit may trail the reply by a moment.
    await expect.poll(async () => (await shop.products()).find((entry) => entry.id === 1)?.stock).toBe(1);
    expect(order.totalCents).toBe(5000);
  });

  it('shops as one shopper: refusals are answers, and the order is placed', async () => {
    const server = await fixture.start([product('Lamp', 1, 2500)]);
    const shop = await open(server.webSocketUrl);
    expect(await shop.startSession(' Ada ', '1 Loop Lane')).toMatchObject({ ok: true, result: { shopper: { name: 'Ada' }, cart: { lines: [] } } });
    expect(await shop.addToCart(1, 2)).toMatchObject({ ok: false, error: { code: 'insufficient_stock', details: { shortfalls: [{ available: 1, requested: 2 }] } } });
    expect(await shop.addToCart(1, 1)).toMatchObject({ ok: true, result: { cart: { totalCents: 2500 } } });
    expect(await shop.checkout(2500)).toMatchObject({ ok: true, result: { order: { totalCents: 2500, shipTo: { name: 'Ada' } } } });
  });

  it('gives up on a request it could not send while the server stays away', async () => {
    const server = await fixture.start([product('Lamp', 1, 2500)]);
    const shop = await open(server.webSocketUrl, 300);
    await shop.startSession('Ada', '1 Loop Lane');
    await server.close();
    await expect.poll(() => shop.status).not.toBe('online');
    // Asked while the client knows it is offline: nothing goes out, and it says so.
    await expect(shop.addToCart(1, 1)).rejects.toMatchObject({ code: 'not_connected', message: expect.stringContaining('Tally has been unreachable for 0.3 s.') });
  });
});
