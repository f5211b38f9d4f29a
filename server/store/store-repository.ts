import type { OrderView, ProductView, ShopperView } from '../../shared/protocol.ts';

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
  findShopperByTokenHash(tokenHash: Buffer): Promise<ShopperView | undefined>;

  cartLines(shopperId: number): Promise<CartLineRow[]>;
  /** Sets a line's quantity; 0 removes the line. */
  setCartLine(shopperId: number, productId: number, quantity: number): Promise<void>;
  clearCart(shopperId: number): Promise<void>;

  insertOrder(order: NewOrder): Promise<OrderView>;
  listOrders(shopperId: number, limit: number): Promise<OrderView[]>;
}
