import { describe, expect, it } from 'vitest';
import { TestClient } from '../support/test-client.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { product } from '../support/test-server.ts';

const shopperCount = 50;
const lastUnits = 10;
/** The race is cheap; running it several times per suite run catches rare interleavings. */
const raceRounds = 3;

const fixture = useTestServer();

async function connectShoppers(count: number): Promise<TestClient[]> {
  const connected = await fixture.connect(count);
  await Promise.all(connected.map((client, index) => client.startShopper(`Shopper ${index}`, `${index} Race Road`)));
  return connected;
}

async function stockInDatabase(productId: number): Promise<number> {
  const [row] = await fixture.server.query<{ stock: number }>('SELECT stock FROM products WHERE id = ?', productId);
  return row!.stock;
}

async function unitsOrdered(productId: number): Promise<number> {
  const [row] = await fixture.server.query<{ units: number }>('SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS units FROM order_lines WHERE product_id = ?', productId);
  return row!.units;
}

describe('50 shoppers race for the last 10 units', () => {
  for (let round = 1; round <= raceRounds; round += 1) {
    it(`sells exactly ${lastUnits}, never below zero (round ${round})`, async () => {
      const server = await fixture.start([product('Last Few', lastUnits, 2500)]);
      const shoppers = await connectShoppers(shopperCount);
      for (const shopper of shoppers) await shopper.expectResult('cart.add', { productId: 1, quantity: 1 });

      const replies = await Promise.all(shoppers.map((shopper) => shopper.request('checkout', { expectedTotalCents: 2500 })));

      const winners = replies.filter((reply) => reply.ok);
      const losers = replies.flatMap((reply) => (reply.ok ? [] : [reply.error]));
      expect(winners).toHaveLength(lastUnits);
      expect(losers).toHaveLength(shopperCount - lastUnits);
      for (const error of losers) {
        expect(error.code).toBe('out_of_stock');
        expect(error.details?.shortfalls).toEqual([{ productId: 1, name: 'Last Few', requested: 1, available: 0 }]);
      }
      const orderNumbers = new Set(winners.map((reply) => (reply.ok ? reply.result.order.orderNumber : 0)));
      expect(orderNumbers.size).toBe(lastUnits);

      expect(await stockInDatabase(1)).toBe(0);
      expect((await unitsOrdered(1)) + (await stockInDatabase(1))).toBe(lastUnits);
      await expect.poll(() => shoppers.every((shopper) => shopper.products.get(1)?.stock === 0)).toBe(true);
      for (const shopper of shoppers) expect(Math.min(...shopper.stockSeen)).toBeGreaterThanOrEqual(0);
    });
  }

  it('never oversells when shoppers want several units each', async () => {
    const server = await fixture.start([product('Few Left', lastUnits, 700)]);
    const shoppers = await connectShoppers(shopperCount);
    const wanted = shoppers.map((_, index) => 1 + (index % 3));
    await Promise.all(shoppers.map((shopper, index) => shopper.expectResult('cart.add', { productId: 1, quantity: wanted[index]! })));

    const replies = await Promise.all(
      shoppers.map((shopper, index) => shopper.request('checkout', { expectedTotalCents: 700 * wanted[index]! })),
    );

    const sold = replies.reduce((units, reply, index) => units + (reply.ok ? wanted[index]! : 0), 0);
    expect(sold).toBeLessThanOrEqual(lastUnits);
    expect(sold + (await stockInDatabase(1))).toBe(lastUnits);
    expect(await unitsOrdered(1)).toBe(sold);
    for (const [index, reply] of replies.entries()) {
      if (reply.ok) continue;
      expect(reply.error.code).toBe('out_of_stock');
      expect(reply.error.details?.shortfalls?.[0]?.available).toBeLessThan(wanted[index]!);
    }
  });
});
