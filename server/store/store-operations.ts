import type { CartView, OrderView, ProductView, ResultOf, ShopperView } from '../../shared/protocol.ts';
import { lineQuantityMax, orderHistoryPageMax } from '../../shared/limits.ts';
import type { RequestKey } from '../requests/request-key.ts';
import type { OperationRunner } from '../operations/operation-runner.ts';
import type { TallyContext } from '../operations/context.ts';
import { type Committed, type Outcome, fail, succeed } from '../operations/outcome.ts';
import { hashSessionToken, newSessionToken } from '../users/session-tokens.ts';
import { sessionEnded, type SessionLifetime } from '../users/session-expiry.ts';
import { cartView, checkCartLine, currentQuantity, planCheckout } from './rules.ts';

const productLockKey = (productId: number) => `product:${productId}`;
const shopperLockKey = (shopperId: number) => `shopper:${shopperId}`;

/**
 * Every store operation: the locks it needs and what it does inside the unit of work; the
 * runner takes the locks (sorted) and resolves once the commit is durable.
 */
export class StoreOperations {
  readonly #runner: OperationRunner;
  readonly #sessionLifetime: SessionLifetime;

  constructor(runner: OperationRunner, sessionLifetime: SessionLifetime) {
    this.#runner = runner;
    this.#sessionLifetime = sessionLifetime;
  }

  async snapshot(): Promise<{ seq: number; products: ProductView[] }> {
    return this.#runner.read(async ({ store, commitSeq }) => ({ seq: commitSeq, products: await store.listProducts() }));
  }

  startSession(name: string, address: string): Promise<Committed<ResultOf<'session.start'>>> {
    const sessionToken = newSessionToken();
    return this.#runner.run([], async ({ store, now }) => {
      const shopper = await store.createShopper(name, address, hashSessionToken(sessionToken), now().toISOString());
      return succeed({ sessionToken, shopper, cart: cartView([]) });
    });
  }

  async resumeSession(sessionToken: string): Promise<Outcome<ResultOf<'session.resume'>>> {
    return this.#runner.read(async ({ store, now }) => {
      const session = await store.findShopperSession(hashSessionToken(sessionToken));
      if (session === undefined) return fail('session_not_found', 'That session is unknown; start a new one.');
      if (session.ended || sessionEnded(session, now(), this.#sessionLifetime)) {
        return fail('session_expired', 'That shopper session has expired; start a new one.');
      }
      const shopper = session.holder;
      return succeed({ shopper, cart: cartView(await store.cartLines(shopper.id)) });
    });
  }

  async listOrders(shopperId: number): Promise<OrderView[]> {
    return this.#runner.read(({ store }) => store.listOrders(shopperId, orderHistoryPageMax));
  }

  /** Adds to the line's quantity (`mode: 'add'`) or replaces it (`mode: 'set'`; 0 removes). */
  changeCartLine(
    shopperId: number,
    productId: number,
    quantity: number,
    mode: 'add' | 'set',
    request: RequestKey,
  ): Promise<Committed<{ cart: CartView }>> {
    return this.#runner.run([shopperLockKey(shopperId)], async ({ store }): Promise<Outcome<{ cart: CartView }>> => {
      const product = await store.findProduct(productId);
      if (product === undefined) return fail('unknown_product', `There is no product with id ${productId}.`);
      const cart = await store.cartLines(shopperId);
      const newQuantity = mode === 'add' ? currentQuantity(cart, productId) + quantity : quantity;
      const verdict = checkCartLine(product, newQuantity, cart);
      if (verdict.kind === 'cart_full') {
        return fail('cart_full', 'The cart already holds as many different products as it can.');
      }
      if (verdict.kind === 'quantity_limit') {
        return fail('quantity_limit', `A cart line may hold at most ${lineQuantityMax} units; this one would hold ${newQuantity}.`);
      }
      if (verdict.kind === 'insufficient_stock') {
        const { available, requested } = verdict.shortfall;
        return fail(
          'insufficient_stock',
          `Only ${available} of ${product.name} left; your cart would need ${requested}.`,
          { shortfalls: [verdict.shortfall] },
        );
      }
      await store.setCartLine(shopperId, productId, newQuantity);
      return succeed({ cart: cartView(await store.cartLines(shopperId)) });
    }, request);
  }

  clearCart(shopperId: number, request: RequestKey): Promise<Committed<{ cart: CartView }>> {
    const operation = async ({ store }: TallyContext) => {
      await store.clearCart(shopperId);
      return succeed({ cart: cartView([]) });
    };
    return this.#runner.run([shopperLockKey(shopperId)], operation, request);
  }

  /**
   * Locks the shopper and every product in the cart (sorted), re-checks every line against the
   * stock now, then takes all the stock and records the order, or changes nothing.
   */
  async checkout(shopper: ShopperView, expectedTotalCents: number, request: RequestKey): Promise<Committed<ResultOf<'checkout'>>> {
    const cartBeforeLocks = await this.#runner.read(({ store }) => store.cartLines(shopper.id));
    const lockedProductIds = new Set(cartBeforeLocks.map((line) => line.productId));
    const lockKeys = [shopperLockKey(shopper.id), ...[...lockedProductIds].map(productLockKey)];
    const operation = async ({ store, changes, now, commitSeq }: TallyContext): Promise<Outcome<ResultOf<'checkout'>>> => {
      const lines = await store.cartLines(shopper.id);
      const plan = planCheckout(lines, expectedTotalCents);
      if (plan.kind === 'cart_empty') return fail('cart_empty', 'Your cart is empty.');
      const unlocked = lines.some((line) => !lockedProductIds.has(line.productId));
      if (plan.kind === 'cart_changed' || unlocked) {
        return fail('cart_changed', 'Your cart changed since you reviewed it; please review it again.', {
          cart: cartView(lines),
        });
      }
      if (plan.kind === 'out_of_stock') {
        return fail('out_of_stock', 'Another shopper bought some of these items first; your order was not placed.', {
          shortfalls: plan.shortfalls,
        });
      }
      for (const line of lines) changes.product(await store.takeStock(line.productId, line.quantity, commitSeq));
      const order = await store.insertOrder({
        shopperId: shopper.id,
        shipTo: { name: shopper.name, address: shopper.address },
        lines,
        totalCents: plan.cart.totalCents,
        placedAt: now().toISOString(),
        requestId: request.requestId,
        commitSeq,
      });
      await store.clearCart(shopper.id);
      return succeed({ order, cart: cartView([]) });
    };
    return this.#runner.run(lockKeys, operation, request);
  }
}
