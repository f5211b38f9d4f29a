import { describe, expect, it } from 'vitest';
import { TestClient } from '../support/test-client.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { product } from '../support/test-server.ts';

const fixture = useTestServer();

const initialStock = [6, 5, 4, 7];
const priceCents = [1000, 250, 1999, 50];

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('multi-line checkouts under contention', () => {
  it('take every line or none, and stock adds up', async () => {
    const server = await fixture.start(initialStock.map((stock, index) => product(`Item ${index + 1}`, stock, priceCents[index])));
    const random = seededRandom(42);
    const shoppers = await Promise.all(Array.from({ length: 30 }, () => TestClient.connect(fixture.server.webSocketUrl)));
    fixture.track(...shoppers);
    const carts: Array<Map<number, number>> = [];
    const shopperIds: number[] = [];
    for (const shopper of shoppers) {
      shopperIds.push((await shopper.startShopper()).shopper.id);
      const cart = new Map<number, number>();
      const lineCount = 2 + Math.floor(random() * 3);
      while (cart.size < lineCount) cart.set(1 + Math.floor(random() * initialStock.length), 1 + Math.floor(random() * 2));
      for (const [productId, quantity] of cart) await shopper.expectResult('cart.add', { productId, quantity });
      carts.push(cart);
    }
    const totals = carts.map((cart) => [...cart].reduce((sum, [id, quantity]) => sum + priceCents[id - 1]! * quantity, 0));

    const replies = await Promise.all(shoppers.map((shopper, index) => shopper.request('checkout', { expectedTotalCents: totals[index]! })));

    const expectedStock = [...initialStock];
    for (const [index, reply] of replies.entries()) {
      if (!reply.ok) {
        expect(reply.error.code).toBe('out_of_stock');
        expect(reply.error.details?.shortfalls?.length).toBeGreaterThan(0);
        continue;
      }
      const orderedLines = new Map(reply.result.order.lines.map((line) => [line.productId, line.quantity]));
      expect(orderedLines).toEqual(carts[index]);
      expect(reply.result.order.totalCents).toBe(totals[index]);
      for (const [productId, quantity] of carts[index]!) expectedStock[productId - 1]! -= quantity;
    }
    expect(replies.some((reply) => reply.ok)).toBe(true);
    expect(replies.some((reply) => !reply.ok)).toBe(true);

    const databaseStock = (await server.query<{ stock: number }>('SELECT stock FROM products ORDER BY id')).map((row) => row.stock);
    expect(databaseStock).toEqual(expectedStock);
    for (const stock of databaseStock) expect(stock).toBeGreaterThanOrEqual(0);
    const [orderRows] = await server.query<{ count: number }>('SELECT COUNT(*) AS count FROM orders');
    expect(orderRows!.count).toBe(replies.filter((reply) => reply.ok).length);
    // A failed checkout leaves the cart as it was; a successful one empties it.
    for (const [index, shopperId] of shopperIds.entries()) {
      const cartInDatabase = new Map(
        (await server.query<{ product_id: number; quantity: number }>('SELECT product_id, quantity FROM cart_lines WHERE shopper_id = ?', shopperId)).map(
          (row) => [row.product_id, row.quantity],
        ),
      );
      expect(cartInDatabase).toEqual(replies[index]!.ok ? new Map() : carts[index]);
    }
  });
});
