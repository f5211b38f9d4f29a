import type { OrderView, ProductView, ShopperView } from '../../shared/protocol.ts';
import type { SessionTimes } from '../users/session-expiry.ts';

/** A cart line joined with the product's current price, name and stock. */
export interface CartLineRow {
  productId: number;
  name: string;
  unitPriceCents: number;
  quantity: number;
  stock: number;
}

export interface NewOrder {
  shopperId: number;
  shipTo: { name: string; address: string };
  lines: ReadonlyArray<{ productId: number; name: string; unitPriceCents: number; quantity: number }>;
  totalCents: number;
  placedAt: string;
  /** The checkout's idempotency key and the commit that holds the order. */
  requestId: string;
  commitSeq: number;
}

export interface NewProduct {
  name: string;
  description: string;
  emoji: string;
  priceCents: number;
  stock: number;
}

/**
 * The store's data, as operations see it inside a unit of work. Asynchronous so that every
 * storage engine can implement it; the operations written against it are the only copy of
 * the store's business rules.
 */
export interface StoreRepository {
  listProducts(): Promise<ProductView[]>;
  findProduct(productId: number): Promise<ProductView | undefined>;
  /** New products, as changed in commit `commitSeq` (so a resume from before it includes them). */
  insertProducts(products: readonly NewProduct[], commitSeq: number): Promise<void>;
  /** Products changed in a commit after `sinceSeq`. */
  productsChangedSince(sinceSeq: number): Promise<ProductView[]>;
  /** Takes `quantity` units in commit `commitSeq`; throws if fewer are in stock (callers check first). */
  takeStock(productId: number, quantity: number, commitSeq: number): Promise<ProductView>;

  createShopper(name: string, address: string, tokenHash: Buffer, createdAt: string): Promise<ShopperView>;
  /** `ended`: the session expired (the row stays, for its orders). */
  findShopperSession(tokenHash: Buffer): Promise<(SessionTimes<ShopperView> & { ended: boolean }) | undefined>;
  /** Marks these shoppers' sessions used at `usedAt`, those open and created after `createdAfter`; answers the ones it marked. */
  markShoppersUsed(shopperIds: readonly number[], usedAt: string, createdAfter: string): Promise<number[]>;
  /** Ends sessions last used before `unusedSince` or created at or before `createdBy`, emptying their carts; answers how many. */
  endExpiredShoppers(unusedSince: string, createdBy: string, endedAt: string): Promise<number>;

  cartLines(shopperId: number): Promise<CartLineRow[]>;
  /** Sets a line's quantity; 0 removes the line. */
  setCartLine(shopperId: number, productId: number, quantity: number): Promise<void>;
  clearCart(shopperId: number): Promise<void>;

  insertOrder(order: NewOrder): Promise<OrderView>;
  listOrders(shopperId: number, limit: number): Promise<OrderView[]>;
}
