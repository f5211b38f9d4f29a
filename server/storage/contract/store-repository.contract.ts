import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ProductView, ShopperView } from '../../../shared/protocol.ts';
import type { NewOrder, NewProduct, StoreRepository } from '../../store/store-repository.ts';
import { type ContractFixture, freshFixtureEachTest } from './fixture.ts';

export interface StoreRepositoryFixture extends ContractFixture {
  repository: StoreRepository;
}

export interface StoreContractOptions {
  /**
   * Cart lines, and an order's lines, come back in the order they were added. False declares a
   * known gap: the test that asserts it is then expected to fail (`it.fails`), so closing the gap
   * turns it red until the flag goes.
   */
  linesInInsertionOrder: boolean;
}

/** A time `minutes` after 2026-01-01T00:00Z, as the ISO 8601 text callers pass. */
function at(minutes: number): string {
  return new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();
}

function newProduct(name: string, priceCents: number, stock: number): NewProduct {
  return { name, description: `All about ${name}`, emoji: '📦', priceCents, stock };
}

const lamp = newProduct('Lamp', 4_500, 5);
const mug = newProduct('Mug', 1_800, 10);
const kettle = newProduct('Kettle', 5_900, 2);

async function seedProducts(repository: StoreRepository, products: readonly NewProduct[], commitSeq = 1): Promise<ProductView[]> {
  const before = new Set((await repository.listProducts()).map((product) => product.id));
  await repository.insertProducts(products, commitSeq);
  return (await repository.listProducts()).filter((product) => !before.has(product.id));
}

async function newShopper(repository: StoreRepository, name: string, createdAt = at(0)): Promise<{ shopper: ShopperView; tokenHash: Buffer }> {
  const tokenHash = randomBytes(32);
  return { shopper: await repository.createShopper(name, `${name} Street 1`, tokenHash, createdAt), tokenHash };
}

function orderOf(shopper: ShopperView, products: readonly ProductView[], quantities: readonly number[], requestId: string, commitSeq: number): NewOrder {
  const lines = products.map((product, index) => ({ productId: product.id, name: product.name, unitPriceCents: product.priceCents, quantity: quantities[index]! }));
  return {
    shopperId: shopper.id,
    shipTo: { name: shopper.name, address: shopper.address },
    lines,
    totalCents: lines.reduce((total, line) => total + line.unitPriceCents * line.quantity, 0),
    placedAt: at(commitSeq),
    requestId,
    commitSeq,
  };
}

/** What every engine's StoreRepository must do. */
export function storeRepositoryContract(makeRepository: () => Promise<StoreRepositoryFixture>, options: StoreContractOptions): void {
  const fixture = freshFixtureEachTest(makeRepository);
  const itKeepsInsertionOrder = options.linesInInsertionOrder ? it : it.fails;

  describe('products', () => {
    it('inserts products with ids in the order given, at version 1, and lists them by id', async () => {
      const { repository } = fixture();
      expect(await repository.listProducts()).toEqual([]);
      await repository.insertProducts([], 1);
      await repository.insertProducts([lamp, mug, kettle], 1);
      const products = await repository.listProducts();
      expect(products.map(({ id, ...rest }) => rest)).toEqual([lamp, mug, kettle].map((product) => ({ ...product, version: 1 })));
      expect(products[0]!.id).toBeLessThan(products[1]!.id);
      expect(products[1]!.id).toBeLessThan(products[2]!.id);
      expect(await repository.findProduct(products[1]!.id)).toEqual(products[1]);
      expect(await repository.findProduct(products[2]!.id + 1000)).toBeUndefined();
    });

    it('answers the products changed in a commit after a sequence number, by id', async () => {
      const { repository } = fixture();
      const [first, second] = await seedProducts(repository, [lamp, mug], 1);
      const [third] = await seedProducts(repository, [kettle], 3);
      const taken = await repository.takeStock(first!.id, 1, 5);
      expect(await repository.productsChangedSince(0)).toEqual([taken, second, third]);
      expect(await repository.productsChangedSince(1)).toEqual([taken, third]);
      expect(await repository.productsChangedSince(3)).toEqual([taken]);
      expect(await repository.productsChangedSince(5)).toEqual([]);
    });

    it('takes stock down to zero, a version up each time, and answers the product as changed', async () => {
      const { repository } = fixture();
      const [product] = await seedProducts(repository, [kettle]);
      const once = await repository.takeStock(product!.id, 1, 2);
      expect(once).toEqual({ ...product, stock: 1, version: 2 });
      expect(await repository.takeStock(product!.id, 1, 3)).toEqual({ ...product, stock: 0, version: 3 });
      expect(await repository.findProduct(product!.id)).toEqual({ ...product, stock: 0, version: 3 });
    });

    it('throws rather than take more stock than there is, and leaves the product as it was', async () => {
      const { repository } = fixture();
      const [product] = await seedProducts(repository, [kettle]);
      await expect(repository.takeStock(product!.id, 3, 2)).rejects.toThrow(`takeStock: product ${product!.id} has fewer than 3 in stock`);
      await expect(repository.takeStock(product!.id + 1000, 1, 2)).rejects.toThrow('fewer than 1 in stock');
      expect(await repository.findProduct(product!.id)).toEqual(product);
      expect(await repository.productsChangedSince(1)).toEqual([]);
    });
  });

  describe('shopper sessions', () => {
    it('creates a shopper, answers it as stored, and finds its open session by token', async () => {
      const { repository } = fixture();
      const tokenHash = randomBytes(32);
      const shopper = await repository.createShopper('Ada', 'Analytical Row 1', tokenHash, at(0));
      expect(shopper).toEqual({ id: expect.any(Number), name: 'Ada', address: 'Analytical Row 1' });
      expect(await repository.findShopperSession(tokenHash)).toEqual({ holder: shopper, createdAt: at(0), lastUsedAt: at(0), ended: false });
      expect(await repository.findShopperSession(randomBytes(32))).toBeUndefined();
      await expect(repository.createShopper('Bob', 'Elsewhere', tokenHash, at(1))).rejects.toThrow();
    });

    it('marks open sessions created after the cutoff used, answering those it marked in the order given', async () => {
      const { repository } = fixture();
      const ada = await newShopper(repository, 'Ada', at(10));
      const bob = await newShopper(repository, 'Bob', at(10));
      const old = await newShopper(repository, 'Old', at(1));
      const ended = await newShopper(repository, 'Ended', at(10));
      await repository.endExpiredShoppers(at(0), at(-1), at(11)); // ends nothing: none idle, none old enough
      expect((await repository.findShopperSession(ended.tokenHash))?.ended).toBe(false);
      await repository.markShoppersUsed([ada.shopper.id, bob.shopper.id, old.shopper.id], at(12), at(0));
      expect(await repository.endExpiredShoppers(at(12), at(-1), at(13))).toBe(1); // Ended, unused since 10
      const marked = await repository.markShoppersUsed([bob.shopper.id, ended.shopper.id, old.shopper.id, ada.shopper.id, 9_999], at(20), at(5));
      expect(marked).toEqual([bob.shopper.id, ada.shopper.id]);
      expect(await repository.markShoppersUsed([], at(20), at(5))).toEqual([]);
      expect((await repository.findShopperSession(bob.tokenHash))?.lastUsedAt).toBe(at(20));
      expect((await repository.findShopperSession(old.tokenHash))?.lastUsedAt).toBe(at(12));
      expect((await repository.findShopperSession(ended.tokenHash))?.lastUsedAt).toBe(at(10));
    });

    it('ends idle and old sessions once, keeping the rows, and empties only their carts', async () => {
      const { repository } = fixture();
      const [product] = await seedProducts(repository, [mug]);
      const idle = await newShopper(repository, 'Idle', at(10));
      const old = await newShopper(repository, 'Old', at(5));
      const active = await newShopper(repository, 'Active', at(10));
      const atCutoff = await newShopper(repository, 'AtCutoff', at(10));
      await repository.markShoppersUsed([old.shopper.id, active.shopper.id], at(30), at(0));
      await repository.markShoppersUsed([atCutoff.shopper.id], at(20), at(0));
      for (const { shopper } of [idle, old, active]) await repository.setCartLine(shopper.id, product!.id, 2);

      // Unused since before 20 (Idle; AtCutoff was used at 20 exactly), or created at or before 5 (Old).
      expect(await repository.endExpiredShoppers(at(20), at(5), at(40))).toBe(2);
      expect(await repository.endExpiredShoppers(at(20), at(5), at(41))).toBe(0);
      const session = async (tokenHash: Buffer) => repository.findShopperSession(tokenHash);
      expect(await session(idle.tokenHash)).toEqual({ holder: idle.shopper, createdAt: at(10), lastUsedAt: at(10), ended: true });
      expect((await session(old.tokenHash))?.ended).toBe(true);
      expect((await session(active.tokenHash))?.ended).toBe(false);
      expect((await session(atCutoff.tokenHash))?.ended).toBe(false);
      expect(await repository.cartLines(idle.shopper.id)).toEqual([]);
      expect(await repository.cartLines(old.shopper.id)).toEqual([]);
      expect(await repository.cartLines(active.shopper.id)).toHaveLength(1);
    });
  });

  describe('carts', () => {
    it('sets, replaces and removes lines, each joined with the product’s name, price and stock', async () => {
      const { repository } = fixture();
      const [lampRow, mugRow] = await seedProducts(repository, [lamp, mug]);
      const { shopper } = await newShopper(repository, 'Ada');
      const { shopper: other } = await newShopper(repository, 'Bob');
      expect(await repository.cartLines(shopper.id)).toEqual([]);
      await repository.setCartLine(shopper.id, lampRow!.id, 2);
      await repository.setCartLine(shopper.id, mugRow!.id, 1);
      await repository.setCartLine(other.id, mugRow!.id, 4);
      await repository.setCartLine(shopper.id, lampRow!.id, 3);
      expect(await repository.cartLines(shopper.id)).toEqual([
        { productId: lampRow!.id, name: 'Lamp', unitPriceCents: 4_500, quantity: 3, stock: 5 },
        { productId: mugRow!.id, name: 'Mug', unitPriceCents: 1_800, quantity: 1, stock: 10 },
      ]);
      await repository.takeStock(mugRow!.id, 4, 2);
      await repository.setCartLine(shopper.id, lampRow!.id, 0);
      expect(await repository.cartLines(shopper.id)).toEqual([{ productId: mugRow!.id, name: 'Mug', unitPriceCents: 1_800, quantity: 1, stock: 6 }]);
      await repository.clearCart(shopper.id);
      expect(await repository.cartLines(shopper.id)).toEqual([]);
      expect(await repository.cartLines(other.id)).toEqual([{ productId: mugRow!.id, name: 'Mug', unitPriceCents: 1_800, quantity: 4, stock: 6 }]);
    });

    it('refuses a line for an unknown product', async () => {
      const { repository } = fixture();
      const { shopper } = await newShopper(repository, 'Ada');
      await expect(repository.setCartLine(shopper.id, 9_999, 1)).rejects.toThrow();
      expect(await repository.cartLines(shopper.id)).toEqual([]);
    });

    itKeepsInsertionOrder('lists cart lines in the order they were first added', async () => {
      const { repository } = fixture();
      const [lampRow, mugRow, kettleRow] = await seedProducts(repository, [lamp, mug, kettle]);
      const { shopper } = await newShopper(repository, 'Ada');
      for (const product of [kettleRow!, lampRow!, mugRow!]) await repository.setCartLine(shopper.id, product.id, 1);
      await repository.setCartLine(shopper.id, kettleRow!.id, 2);
      expect((await repository.cartLines(shopper.id)).map((line) => line.productId)).toEqual([kettleRow!.id, lampRow!.id, mugRow!.id]);
    });
  });

  describe('orders', () => {
    it('records an order with its lines and answers it as the shopper will see it', async () => {
      const { repository } = fixture();
      const [lampRow, mugRow] = await seedProducts(repository, [lamp, mug]);
      const { shopper } = await newShopper(repository, 'Ada');
      const order = await repository.insertOrder(orderOf(shopper, [lampRow!, mugRow!], [2, 3], 'checkout-1', 7));
      expect(order).toEqual({
        orderNumber: expect.any(Number),
        requestId: 'checkout-1',
        seq: 7,
        placedAt: at(7),
        shipTo: { name: 'Ada', address: 'Ada Street 1' },
        totalCents: 2 * 4_500 + 3 * 1_800,
        lines: [
          { productId: lampRow!.id, name: 'Lamp', unitPriceCents: 4_500, quantity: 2, lineTotalCents: 9_000 },
          { productId: mugRow!.id, name: 'Mug', unitPriceCents: 1_800, quantity: 3, lineTotalCents: 5_400 },
        ],
      });
      expect(await repository.listOrders(shopper.id, 10)).toEqual([order]);
    });

    it('lists a shopper’s newest orders first, at most `limit`, each with its own lines, and no one else’s', async () => {
      const { repository } = fixture();
      const [lampRow, mugRow, kettleRow] = await seedProducts(repository, [lamp, mug, kettle]);
      const { shopper } = await newShopper(repository, 'Ada');
      const { shopper: other } = await newShopper(repository, 'Bob');
      const first = await repository.insertOrder(orderOf(shopper, [lampRow!], [1], 'a-1', 2));
      const theirs = await repository.insertOrder(orderOf(other, [lampRow!, kettleRow!], [1, 1], 'b-1', 3));
      const second = await repository.insertOrder(orderOf(shopper, [mugRow!, kettleRow!], [2, 1], 'a-2', 4));
      const third = await repository.insertOrder(orderOf(shopper, [kettleRow!], [1], 'a-3', 5));
      expect(second.orderNumber).toBeGreaterThan(first.orderNumber);
      expect(await repository.listOrders(shopper.id, 10)).toEqual([third, second, first]);
      expect(await repository.listOrders(shopper.id, 2)).toEqual([third, second]);
      expect(await repository.listOrders(other.id, 10)).toEqual([theirs]);
      const { shopper: none } = await newShopper(repository, 'Cy');
      expect(await repository.listOrders(none.id, 10)).toEqual([]);
    });

    itKeepsInsertionOrder('lists an order’s lines in the order they were given', async () => {
      const { repository } = fixture();
      const [lampRow, mugRow, kettleRow] = await seedProducts(repository, [lamp, mug, kettle]);
      const { shopper } = await newShopper(repository, 'Ada');
      const order = await repository.insertOrder(orderOf(shopper, [kettleRow!, lampRow!, mugRow!], [1, 1, 1], 'a-1', 2));
      expect(order.lines.map((line) => line.productId)).toEqual([kettleRow!.id, lampRow!.id, mugRow!.id]);
      const [listed] = await repository.listOrders(shopper.id, 1);
      expect(listed!.lines.map((line) => line.productId)).toEqual([kettleRow!.id, lampRow!.id, mugRow!.id]);
    });
  });
}
