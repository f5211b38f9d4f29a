import type { OrderView, ProductView, ShopperView } from '../../../shared/protocol.ts';
import type { CartLineRow, NewOrder, NewProduct, StoreRepository } from '../../store/store-repository.ts';
import type { SessionTimes } from '../../users/session-expiry.ts';
import type { PostgresConnection } from './connection.ts';
import { type StoredOrder, type StoredOrderLine, linesByOrder, orderView } from '../../store/order-view.ts';

/** PostgreSQL answers timestamptz as a Date. */
type OrderRow = Omit<StoredOrder, 'placedAt'> & { placedAt: Date };

interface ShopperSessionRow extends ShopperView {
  createdAt: Date;
  lastUsedAt: Date;
  endedAt: Date | null;
}

/**
 * The store's tables in PostgreSQL. Answers exactly what the SQLite implementation answers (times
 * as ISO 8601 strings), with one statement where SQLite runs one per item.
 *
 * Line order: SQLite lists cart lines, and an order's lines, in the order they were added (rowid);
 * PostgreSQL has no such column in this schema, so both are listed by product id here.
 */
export class PostgresStoreRepository implements StoreRepository {
  readonly #query: () => PostgresConnection;

  /** `query`: the connection to use now (the batch's reserved one inside a transaction, else the pool). */
  constructor(query: () => PostgresConnection) {
    this.#query = query;
  }

  async listProducts(): Promise<ProductView[]> {
    const sql = this.#query();
    return [...await sql<ProductView[]>`SELECT ${productColumns(sql)} FROM products ORDER BY id`];
  }

  async findProduct(productId: number): Promise<ProductView | undefined> {
    const sql = this.#query();
    const [product] = await sql<ProductView[]>`SELECT ${productColumns(sql)} FROM products WHERE id = ${productId}`;
    return product;
  }

  /** One statement; ids are drawn in the order given. */
  async insertProducts(products: readonly NewProduct[], commitSeq: number): Promise<void> {
    if (products.length === 0) return;
    const sql = this.#query();
    await sql`
      INSERT INTO products (name, description, emoji, price_cents, stock, version, changed_seq)
      SELECT name, description, emoji, price_cents, stock, 1, ${commitSeq}
      FROM unnest(
        ${products.map((product) => product.name)}::text[],
        ${products.map((product) => product.description)}::text[],
        ${products.map((product) => product.emoji)}::text[],
        ${products.map((product) => product.priceCents)}::bigint[],
        ${products.map((product) => product.stock)}::bigint[]
      ) WITH ORDINALITY AS added (name, description, emoji, price_cents, stock, position)
      ORDER BY position`;
  }

  async productsChangedSince(sinceSeq: number): Promise<ProductView[]> {
    const sql = this.#query();
    return [...await sql<ProductView[]>`SELECT ${productColumns(sql)} FROM products WHERE changed_seq > ${sinceSeq} ORDER BY id`];
  }

  async takeStock(productId: number, quantity: number, commitSeq: number): Promise<ProductView> {
    const sql = this.#query();
    const [product] = await sql<ProductView[]>`
      UPDATE products SET stock = stock - ${quantity}, version = version + 1, changed_seq = ${commitSeq}
      WHERE id = ${productId} AND stock >= ${quantity} RETURNING ${productColumns(sql)}`;
    if (product === undefined) throw new Error(`takeStock: product ${productId} has fewer than ${quantity} in stock`);
    return product;
  }

  /** Answers with the shopper as stored, so a reply can never confirm other text than the database holds. */
  async createShopper(name: string, address: string, tokenHash: Buffer, createdAt: string): Promise<ShopperView> {
    const sql = this.#query();
    const [shopper] = await sql<ShopperView[]>`
      INSERT INTO shoppers (name, address, token_hash, created_at, last_used_at)
      VALUES (${name}, ${address}, ${tokenHash}, ${createdAt}, ${createdAt}) RETURNING id, name, address`;
    return shopper!;
  }

  async findShopperSession(tokenHash: Buffer): Promise<(SessionTimes<ShopperView> & { ended: boolean }) | undefined> {
    const sql = this.#query();
    const [row] = await sql<ShopperSessionRow[]>`
      SELECT id, name, address, created_at AS "createdAt", last_used_at AS "lastUsedAt", ended_at AS "endedAt"
      FROM shoppers WHERE token_hash = ${tokenHash}`;
    if (row === undefined) return undefined;
    const { createdAt, lastUsedAt, endedAt, ...shopper } = row;
    return { holder: shopper, createdAt: createdAt.toISOString(), lastUsedAt: lastUsedAt.toISOString(), ended: endedAt !== null };
  }

  /** One statement for all of them; answers the marked ones in the order given. */
  async markShoppersUsed(shopperIds: readonly number[], usedAt: string, createdAfter: string): Promise<number[]> {
    if (shopperIds.length === 0) return [];
    const sql = this.#query();
    const marked = await sql<Array<{ id: number }>>`
      UPDATE shoppers SET last_used_at = ${usedAt}
      WHERE id = ANY(${[...shopperIds]}::bigint[]) AND ended_at IS NULL AND created_at > ${createdAfter}
      RETURNING id`;
    const markedIds = new Set(marked.map((row) => row.id));
    return shopperIds.filter((shopperId) => markedIds.has(shopperId));
  }

  /** One statement: ends the sessions and empties their carts. */
  async endExpiredShoppers(unusedSince: string, createdBy: string, endedAt: string): Promise<number> {
    const sql = this.#query();
    const [row] = await sql<Array<{ ended: number }>>`
      WITH ended AS (
        UPDATE shoppers SET ended_at = ${endedAt}
        WHERE ended_at IS NULL AND (last_used_at < ${unusedSince} OR created_at <= ${createdBy})
        RETURNING id
      ), emptied AS (
        DELETE FROM cart_lines WHERE shopper_id IN (SELECT id FROM ended)
      )
      SELECT count(*)::bigint AS ended FROM ended`;
    return row!.ended;
  }

  async cartLines(shopperId: number): Promise<CartLineRow[]> {
    const sql = this.#query();
    return [...await sql<CartLineRow[]>`
      SELECT c.product_id AS "productId", p.name, p.price_cents AS "unitPriceCents", c.quantity, p.stock
      FROM cart_lines c JOIN products p ON p.id = c.product_id
      WHERE c.shopper_id = ${shopperId} ORDER BY c.added_order`];
  }

  async setCartLine(shopperId: number, productId: number, quantity: number): Promise<void> {
    const sql = this.#query();
    if (quantity === 0) {
      await sql`DELETE FROM cart_lines WHERE shopper_id = ${shopperId} AND product_id = ${productId}`;
      return;
    }
    await sql`
      INSERT INTO cart_lines (shopper_id, product_id, quantity) VALUES (${shopperId}, ${productId}, ${quantity})
      ON CONFLICT (shopper_id, product_id) DO UPDATE SET quantity = excluded.quantity`;
  }

  async clearCart(shopperId: number): Promise<void> {
    const sql = this.#query();
    await sql`DELETE FROM cart_lines WHERE shopper_id = ${shopperId}`;
  }

  /** One statement for the order and its lines. */
  async insertOrder(order: NewOrder): Promise<OrderView> {
    const { shopperId, shipTo, lines, totalCents, placedAt, requestId, commitSeq } = order;
    const sql = this.#query();
    const [row] = await sql<Array<{ id: number }>>`
      WITH placed AS (
        INSERT INTO orders (shopper_id, ship_name, ship_address, total_cents, placed_at, request_id, commit_seq)
        VALUES (${shopperId}, ${shipTo.name}, ${shipTo.address}, ${totalCents}, ${placedAt}, ${requestId}, ${commitSeq})
        RETURNING id
      ), placed_lines AS (
        INSERT INTO order_lines (order_id, product_id, name, unit_price_cents, quantity)
        SELECT placed.id, line.product_id, line.name, line.unit_price_cents, line.quantity
        FROM placed, unnest(
          ${lines.map((line) => line.productId)}::bigint[],
          ${lines.map((line) => line.name)}::text[],
          ${lines.map((line) => line.unitPriceCents)}::bigint[],
          ${lines.map((line) => line.quantity)}::bigint[]
        ) WITH ORDINALITY AS line (product_id, name, unit_price_cents, quantity, position)
        ORDER BY line.position
      )
      SELECT id FROM placed`;
    const { id } = row!;
    const stored: StoredOrder = { id, requestId, commitSeq, shipName: shipTo.name, shipAddress: shipTo.address, totalCents, placedAt };
    return orderView(stored, lines.map((line) => ({ orderId: id, ...line })));
  }

  async listOrders(shopperId: number, limit: number): Promise<OrderView[]> {
    const sql = this.#query();
    const orders = await sql<OrderRow[]>`
      SELECT id, request_id AS "requestId", commit_seq AS "commitSeq", ship_name AS "shipName",
             ship_address AS "shipAddress", total_cents AS "totalCents", placed_at AS "placedAt"
      FROM orders WHERE shopper_id = ${shopperId} ORDER BY id DESC LIMIT ${limit}`;
    if (orders.length === 0) return [];
    const lines = await sql<StoredOrderLine[]>`
      SELECT order_id AS "orderId", product_id AS "productId", name, unit_price_cents AS "unitPriceCents", quantity
      FROM order_lines WHERE order_id = ANY(${orders.map((order) => order.id)}::bigint[])
      ORDER BY order_id, line_order`;
    const grouped = linesByOrder(lines);
    return orders.map((order) => orderView({ ...order, placedAt: order.placedAt.toISOString() }, grouped.get(order.id) ?? []));
  }
}

function productColumns(sql: PostgresConnection) {
  return sql`id, name, description, emoji, price_cents AS "priceCents", stock, version`;
}

