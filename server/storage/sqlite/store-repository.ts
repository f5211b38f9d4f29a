import type { OrderView, ProductView, ShopperView } from '../../../shared/protocol.ts';
import type { CartLineRow, NewOrder, NewProduct, StoreRepository } from '../../store/store-repository.ts';
import type { SqliteDatabase } from './database.ts';
import type { SessionTimes } from '../../users/session-expiry.ts';
import { type StoredOrder, type StoredOrderLine, linesByOrder, orderView } from '../../store/order-view.ts';

interface ProductRow {
  id: number;
  name: string;
  description: string;
  emoji: string;
  price_cents: number;
  stock: number;
  version: number;
}

function productView(row: ProductRow): ProductView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    emoji: row.emoji,
    priceCents: row.price_cents,
    stock: row.stock,
    version: row.version,
  };
}

/** The store's tables in SQLite. Statements are prepared once; every call is synchronous underneath. */
export class SqliteStoreRepository implements StoreRepository {
  readonly #statements;

  constructor(database: SqliteDatabase) {
    this.#statements = {
      listProducts: database.prepare<[], ProductRow>('SELECT * FROM products ORDER BY id'),
      findProduct: database.prepare<[number], ProductRow>('SELECT * FROM products WHERE id = ?'),
      insertProduct: database.prepare(
        `INSERT INTO products (name, description, emoji, price_cents, stock, version, changed_seq)
         VALUES (@name, @description, @emoji, @priceCents, @stock, 1, @commitSeq)`,
      ),
      takeStock: database.prepare<[{ productId: number; quantity: number; commitSeq: number }], ProductRow>(
        `UPDATE products SET stock = stock - @quantity, version = version + 1, changed_seq = @commitSeq
         WHERE id = @productId AND stock >= @quantity RETURNING *`,
      ),
      productsChangedSince: database.prepare<[number], ProductRow>('SELECT * FROM products WHERE changed_seq > ? ORDER BY id'),
      createShopper: database.prepare<[string, string, Buffer, string, string], ShopperView>(
        'INSERT INTO shoppers (name, address, token_hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?) RETURNING id, name, address',
      ),
      findShopperSession: database.prepare<[Buffer], ShopperView & { createdAt: string; lastUsedAt: string; endedAt: string | null }>(
        'SELECT id, name, address, created_at AS createdAt, last_used_at AS lastUsedAt, ended_at AS endedAt FROM shoppers WHERE token_hash = ?',
      ),
      markShopperUsed: database.prepare<[string, number, string]>(
        'UPDATE shoppers SET last_used_at = ? WHERE id = ? AND ended_at IS NULL AND created_at > ?',
      ),
      endExpiredShoppers: database.prepare<[string, string, string], { id: number }>(
        'UPDATE shoppers SET ended_at = ? WHERE ended_at IS NULL AND (last_used_at < ? OR created_at <= ?) RETURNING id',
      ),
      cartLines: database.prepare<[number], CartLineRow>(
        `SELECT c.product_id AS productId, p.name AS name, p.price_cents AS unitPriceCents,
                c.quantity AS quantity, p.stock AS stock
         FROM cart_lines c JOIN products p ON p.id = c.product_id
         WHERE c.shopper_id = ? ORDER BY c.rowid`,
      ),
      upsertCartLine: database.prepare(
        `INSERT INTO cart_lines (shopper_id, product_id, quantity) VALUES (?, ?, ?)
         ON CONFLICT (shopper_id, product_id) DO UPDATE SET quantity = excluded.quantity`,
      ),
      deleteCartLine: database.prepare('DELETE FROM cart_lines WHERE shopper_id = ? AND product_id = ?'),
      clearCart: database.prepare('DELETE FROM cart_lines WHERE shopper_id = ?'),
      insertOrder: database.prepare<[number, string, string, number, string, string, number], { id: number }>(
        `INSERT INTO orders (shopper_id, ship_name, ship_address, total_cents, placed_at, request_id, commit_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ),
      insertOrderLine: database.prepare(
        `INSERT INTO order_lines (order_id, product_id, name, unit_price_cents, quantity)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      listOrders: database.prepare<[number, number], StoredOrder>(
        `SELECT id, request_id AS requestId, commit_seq AS commitSeq, ship_name AS shipName, ship_address AS shipAddress,
                total_cents AS totalCents, placed_at AS placedAt
         FROM orders WHERE shopper_id = ? ORDER BY id DESC LIMIT ?`,
      ),
      orderLines: database.prepare<[number, number], StoredOrderLine>(
        `SELECT order_id AS orderId, product_id AS productId, name, unit_price_cents AS unitPriceCents, quantity FROM order_lines
         WHERE order_id IN (SELECT id FROM orders WHERE shopper_id = ? ORDER BY id DESC LIMIT ?)
         ORDER BY order_id, rowid`,
      ),
    };
  }

  async listProducts(): Promise<ProductView[]> {
    return this.#statements.listProducts.all().map(productView);
  }

  async findProduct(productId: number): Promise<ProductView | undefined> {
    const row = this.#statements.findProduct.get(productId);
    return row === undefined ? undefined : productView(row);
  }

  async insertProducts(products: readonly NewProduct[], commitSeq: number): Promise<void> {
    for (const product of products) this.#statements.insertProduct.run({ ...product, commitSeq });
  }

  async productsChangedSince(sinceSeq: number): Promise<ProductView[]> {
    return this.#statements.productsChangedSince.all(sinceSeq).map(productView);
  }

  async takeStock(productId: number, quantity: number, commitSeq: number): Promise<ProductView> {
    const row = this.#statements.takeStock.get({ productId, quantity, commitSeq });
    if (row === undefined) throw new Error(`takeStock: product ${productId} has fewer than ${quantity} in stock`);
    return productView(row);
  }

  /** Answers with the shopper as stored, so a reply can never confirm other text than the database holds. */
  async createShopper(name: string, address: string, tokenHash: Buffer, createdAt: string): Promise<ShopperView> {
    return this.#statements.createShopper.get(name, address, tokenHash, createdAt, createdAt)!;
  }

  async findShopperSession(tokenHash: Buffer): Promise<(SessionTimes<ShopperView> & { ended: boolean }) | undefined> {
    const row = this.#statements.findShopperSession.get(tokenHash);
    if (row === undefined) return undefined;
    const { createdAt, lastUsedAt, endedAt, ...shopper } = row;
    return { holder: shopper, createdAt, lastUsedAt, ended: endedAt !== null };
  }

  async markShoppersUsed(shopperIds: readonly number[], usedAt: string, createdAfter: string): Promise<number[]> {
    return shopperIds.filter((shopperId) => this.#statements.markShopperUsed.run(usedAt, shopperId, createdAfter).changes === 1);
  }

  async endExpiredShoppers(unusedSince: string, createdBy: string, endedAt: string): Promise<number> {
    const ended = this.#statements.endExpiredShoppers.all(endedAt, unusedSince, createdBy);
    for (const { id } of ended) this.#statements.clearCart.run(id);
    return ended.length;
  }

  async cartLines(shopperId: number): Promise<CartLineRow[]> {
    return this.#statements.cartLines.all(shopperId);
  }

  async setCartLine(shopperId: number, productId: number, quantity: number): Promise<void> {
    if (quantity === 0) this.#statements.deleteCartLine.run(shopperId, productId);
    else this.#statements.upsertCartLine.run(shopperId, productId, quantity);
  }

  async clearCart(shopperId: number): Promise<void> {
    this.#statements.clearCart.run(shopperId);
  }

  async insertOrder(order: NewOrder): Promise<OrderView> {
    const { shopperId, shipTo, totalCents, placedAt, requestId, commitSeq } = order;
    const { id } = this.#statements.insertOrder.get(shopperId, shipTo.name, shipTo.address, totalCents, placedAt, requestId, commitSeq)!;
    for (const line of order.lines) {
      this.#statements.insertOrderLine.run(id, line.productId, line.name, line.unitPriceCents, line.quantity);
    }
    const stored: StoredOrder = { id, requestId, commitSeq, shipName: shipTo.name, shipAddress: shipTo.address, totalCents, placedAt };
    return orderView(stored, order.lines.map((line) => ({ orderId: id, ...line })));
  }

  async listOrders(shopperId: number, limit: number): Promise<OrderView[]> {
    const orders = this.#statements.listOrders.all(shopperId, limit);
    if (orders.length === 0) return [];
    const grouped = linesByOrder(this.#statements.orderLines.all(shopperId, limit));
    return orders.map((order) => orderView(order, grouped.get(order.id) ?? []));
  }
}
