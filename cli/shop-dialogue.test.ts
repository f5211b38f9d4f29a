/**
 * The shop conversation against an in-memory store that keeps the server's rules (a cart does not
 * reserve stock; checkout checks again, all or nothing) and scripted answers: fast, no sockets.
 * cli/shop.test.ts runs the real process against a real server.
 */
import { describe, expect, it } from 'vitest';
import { RequestError } from '../shared/client/request-error.ts';
import { lineQuantityMax } from '../shared/limits.ts';
import type { CartView, OrderView, ProductView, StockShortfall } from '../shared/protocol.ts';
import { parseShopCommandLine } from './shop-arguments.ts';
import { runShopDialogue, shopAnswersMax, type Refusal, type ShopStore, type StoreAnswer } from './shop-dialogue.ts';
import { chooseProduct, parseQuantity, parseYesNo } from './shop-format.ts';
import { UsageError } from './usage-error.ts';

type Seed = { name: string; stock: number; priceCents: number };

/** The store's rules in memory, one shopper; `beforeCheckout` plays the other client. */
class FakeStore implements ShopStore {
  readonly shelf: ProductView[];
  readonly lines = new Map<number, number>();
  readonly orders: OrderView[] = [];
  shopper = { id: 1, name: '', address: '' };
  beforeCheckout: (store: FakeStore) => void = () => {};
  checkoutFailure: RequestError | null = null;

  constructor(seeds: readonly Seed[]) {
    this.shelf = seeds.map((seed, index) => ({ id: index + 1, description: '', emoji: '', version: 1, ...seed }));
  }

  product(name: string): ProductView {
    return this.shelf.find((product) => product.name === name)!;
  }

  /** Another client bought some: the stock drops. */
  sell(name: string, quantity: number): void {
    const product = this.product(name);
    product.stock -= quantity;
    product.version += 1;
  }

  async products(): Promise<readonly ProductView[]> {
    return this.shelf.map((product) => ({ ...product }));
  }

  async startSession(name: string, address: string) {
    this.shopper = { id: 1, name, address };
    return ok({ shopper: this.shopper, cart: this.cart() });
  }

  async addToCart(productId: number, quantity: number) {
    return this.setCartLine(productId, (this.lines.get(productId) ?? 0) + quantity);
  }

  async setCartLine(productId: number, quantity: number): Promise<StoreAnswer<{ cart: CartView }>> {
    const product = this.shelf.find((candidate) => candidate.id === productId);
    if (product === undefined) return refusal('unknown_product', 'There is no such product.');
    if (quantity > lineQuantityMax) return refusal('quantity_limit', 'Too many.');
    if (quantity > product.stock) {
      return refusal('insufficient_stock', `Only ${product.stock} left.`, [{ productId, name: product.name, requested: quantity, available: product.stock }]);
    }
    if (quantity === 0) this.lines.delete(productId);
    else this.lines.set(productId, quantity);
    return ok({ cart: this.cart() });
  }

  async checkout(expectedTotalCents: number): Promise<StoreAnswer<{ order: OrderView; cart: CartView }>> {
    this.beforeCheckout(this);
    if (this.checkoutFailure !== null) throw this.checkoutFailure;
    const cart = this.cart();
    if (cart.lines.length === 0) return refusal('cart_empty', 'Your cart is empty.');
    if (cart.totalCents !== expectedTotalCents) return { ok: false, error: { code: 'cart_changed', message: 'Changed.', details: { cart } } };
    const shortfalls: StockShortfall[] = cart.lines
      .filter((line) => line.quantity > this.product(line.name).stock)
      .map((line) => ({ productId: line.productId, name: line.name, requested: line.quantity, available: this.product(line.name).stock }));
    if (shortfalls.length > 0) return refusal('out_of_stock', 'Another shopper bought some of these items first.', shortfalls);
    for (const line of cart.lines) this.sell(line.name, line.quantity);
    const order = {
      orderNumber: this.orders.length + 1,
      requestId: null,
      seq: 1,
      placedAt: '2025-01-01T00:00:00.000Z',
      shipTo: { name: this.shopper.name, address: this.shopper.address },
      lines: cart.lines,
      totalCents: cart.totalCents,
    };
    this.orders.push(order);
    this.lines.clear();
    return ok({ order, cart: this.cart() });
  }

  cart(): CartView {
    const lines = [...this.lines].map(([productId, quantity]) => {
      const product = this.shelf.find((candidate) => candidate.id === productId)!;
      return { productId, name: product.name, unitPriceCents: product.priceCents, quantity, lineTotalCents: product.priceCents * quantity };
    });
    return { lines, totalCents: lines.reduce((total, line) => total + line.lineTotalCents, 0) };
  }
}

function ok<Result>(result: Result): StoreAnswer<Result> {
  return { ok: true, result };
}

function refusal(code: Refusal['code'], message: string, shortfalls?: StockShortfall[]): { ok: false; error: Refusal } {
  return { ok: false, error: { code, message, ...(shortfalls === undefined ? {} : { details: { shortfalls } }) } };
}

/** Runs the dialogue on scripted answers; the transcript reads like the piped process's output. */
async function converse(store: FakeStore, answers: readonly string[]) {
  const remaining = [...answers];
  const transcript: string[] = [];
  const prompts: string[] = [];
  const outcome = await runShopDialogue(
    {
      ask: async (prompt) => {
        prompts.push(prompt);
        const answer = remaining.shift() ?? null;
        transcript.push(`${prompt}${answer ?? ''}`);
        return answer;
      },
      say: (line) => void transcript.push(line),
    },
    store,
  );
  return { outcome, text: transcript.join('\n'), prompts, unread: remaining };
}

const catalog: Seed[] = [
  { name: 'Lamp', stock: 2, priceCents: 2500 },
  { name: 'Mug', stock: 5, priceCents: 1200 },
];

const greeting = ['Ada', '1 Loop Lane', 'y'];

describe('the shop dialogue', () => {
  it('places an order of two items: summary with line totals and the total bill, then the order', async () => {
    const store = new FakeStore(catalog);
    const { outcome, text, unread } = await converse(store, [...greeting, '1', '2', 'y', 'mug', '3', 'n', 'y']);
    expect(outcome).toMatchObject({ kind: 'placed', order: { orderNumber: 1, totalCents: 8600 } });
    expect(unread).toEqual([]);
    expect(text).toContain('Hello Ada! Would you like to place an order? (y/n) y');
    expect(text).toMatch(/1 +Lamp +\$25\.00 +2\n2 +Mug +\$12\.00 +5/);
    expect(text).toMatch(/Lamp +\$25\.00 +2 +\$50\.00\nMug +\$12\.00 +3 +\$36\.00\nTotal bill: \$86\.00/);
    expect(text).toContain('Order 1 placed: 2 × Lamp, 3 × Mug; total $86.00, shipping to Ada, 1 Loop Lane.');
    expect(store.product('Lamp').stock).toBe(0);
    expect(store.product('Mug').stock).toBe(2);
  });

  it('shows the live stock before each listing, and says how many are left when the server refuses a quantity', async () => {
    const store = new FakeStore(catalog);
    const { outcome, text } = await converse(store, [...greeting, '2', '4', 'y', '2', '3', '1', 'n', 'y']);
    expect(outcome.kind).toBe('placed');
    expect(text).toMatch(/2 +Mug +\$12\.00 +5\n/);
    expect(text).toContain('How many Mug? (5 in stock, 4 in your cart) 3');
    expect(text).toContain('Sorry — only 5 Mug left, and 4 of them are already in your cart. Please choose at most 1.');
    expect(store.orders[0]!.lines).toMatchObject([{ name: 'Mug', quantity: 5 }]);
  });

  it('asks again after the listing went stale: another client bought units before the add', async () => {
    const store = new FakeStore(catalog);
    const originalAdd = store.addToCart.bind(store);
    store.addToCart = async (productId, quantity) => {
      if (store.product('Lamp').stock === 2) store.sell('Lamp', 1);
      return originalAdd(productId, quantity);
    };
    const { outcome, text } = await converse(store, [...greeting, 'lamp', '2', '1', 'n', 'y']);
    expect(text).toContain('Sorry — only 1 Lamp left. Please choose at most 1.');
    expect(outcome).toMatchObject({ kind: 'placed', order: { totalCents: 2500 } });
  });

  it('answers bad input with a clear message and asks again, never failing', async () => {
    const store = new FakeStore([...catalog, { name: 'Teapot', stock: 0, priceCents: 4000 }]);
    const answers = ['  ', 'Ada', '', '1 Loop Lane', 'sure', 'y', '99', 'Kettle', '3', '', '1', 'two', '0', '-1', '1.5', '2000', '99999999999999999999', '1', 'maybe', 'n', 'y'];
    const { outcome, text, unread } = await converse(store, answers);
    expect(unread).toEqual([]);
    expect(outcome.kind).toBe('placed');
    for (const message of [
      'Sorry, name is required; please try again.',
      'Sorry, address is required; please try again.',
      'Please answer y or n.',
      'There is no product "99"; please type a # from the list (or its name).',
      'There is no product "Kettle"; please type a # from the list (or its name).',
      'Sorry, Teapot is sold out; please choose another product.',
      'Please type the # of a product from the list (or its name).',
      '"two" is not a whole number; please type a number from 1 to 1000.',
      'Please order at least 1.',
      '"-1" is not a whole number',
      '"1.5" is not a whole number',
      'At most 1000 of one product per order; please type a smaller number.',
    ]) {
      expect(text).toContain(message);
    }
    expect(text.match(/At most 1000 of one product/g)).toHaveLength(2);
  });

  it('says another client purchased it first when the last unit went before the confirmation, and exits not placed', async () => {
    const store = new FakeStore(catalog);
    store.beforeCheckout = () => store.sell('Lamp', 2);
    const { outcome, text, prompts } = await converse(store, [...greeting, '1', '2', 'n', 'y']);
    expect(outcome).toEqual({ kind: 'not_placed', code: 'out_of_stock' });
    expect(text.split('\n').at(-1)).toBe('Sorry — another client purchased Lamp first: only 0 left. Your order was not placed.');
    expect(prompts.at(-1)).toBe('Confirm order? (y/n) ');
    expect(store.orders).toEqual([]);
  });

  it('offers to order what is left after a conflict, and places that', async () => {
    const store = new FakeStore(catalog);
    store.beforeCheckout = () => {
      if (store.product('Lamp').stock === 2) store.sell('Lamp', 1);
    };
    const { outcome, text } = await converse(store, [...greeting, '1', '2', 'y', '2', '1', 'n', 'y', 'y', 'y']);
    expect(text).toContain('Sorry — another client purchased Lamp first: only 1 left. Your order was not placed.');
    expect(text).toContain('Would you like to order what is left instead? (y/n) y');
    expect(text).toMatch(/Lamp +\$25\.00 +1 +\$25\.00\nMug +\$12\.00 +1 +\$12\.00\nTotal bill: \$37\.00/);
    expect(outcome).toMatchObject({ kind: 'placed', order: { totalCents: 3700 } });
  });

  it('lists every short line when several went, and stops when the shopper does not want the rest', async () => {
    const store = new FakeStore(catalog);
    store.beforeCheckout = () => {
      store.sell('Lamp', 2);
      store.sell('Mug', 4);
    };
    const { outcome, text } = await converse(store, [...greeting, '1', '1', 'y', '2', '2', 'n', 'y', 'n']);
    expect(text).toContain('Sorry — another client purchased some of these items first:\n  Lamp: only 0 left (you wanted 1)\n  Mug: only 1 left (you wanted 2)\nYour order was not placed.');
    expect(outcome).toEqual({ kind: 'not_placed', code: 'out_of_stock' });
  });

  it('shows the cart again when it changed since the review (a price changed)', async () => {
    const store = new FakeStore(catalog);
    store.beforeCheckout = () => {
      if (store.product('Mug').priceCents === 1200) store.product('Mug').priceCents = 1300;
    };
    const { outcome, text } = await converse(store, [...greeting, '2', '1', 'n', 'y', 'y']);
    expect(text).toContain('Your cart changed while you reviewed it (a price may have changed); please review it again.');
    expect(text).toContain('Total bill: $13.00');
    expect(outcome).toMatchObject({ kind: 'placed', order: { totalCents: 1300 } });
  });

  it('stops politely when the answers end early, at any question', async () => {
    for (const [answers, what] of [
      [[], 'your name'],
      [['Ada'], 'your address'],
      [['Ada', '1 Loop Lane'], 'whether to place an order'],
      [[...greeting, '1'], 'the quantity'],
      [[...greeting, '1', '1', 'n'], 'the confirmation'],
    ] as const) {
      const { outcome, text } = await converse(new FakeStore(catalog), answers);
      expect(outcome).toEqual({ kind: 'input_ended' });
      expect(text.split('\n').at(-1)).toBe(`Your answers ended before ${what}, so I stopped here. No order was placed.`);
    }
  });

  it('stops after shopAnswersMax answers, so no loop can run forever', async () => {
    const { outcome, text } = await converse(new FakeStore(catalog), Array.from({ length: shopAnswersMax + 5 }, () => ''));
    expect(outcome).toEqual({ kind: 'input_ended' });
    expect(text).toMatch(/That makes more than 1000 answers, so I stopped here\. No order was placed\.$/);
  });

  it('takes no for an answer, at the greeting and at the confirmation', async () => {
    const atGreeting = await converse(new FakeStore(catalog), ['Ada', '1 Loop Lane', 'N']);
    expect(atGreeting.outcome).toEqual({ kind: 'declined' });
    expect(atGreeting.text).toMatch(/No problem, Ada\. Goodbye!$/);
    const store = new FakeStore(catalog);
    const atConfirmation = await converse(store, [...greeting, '1', '1', 'n', 'no']);
    expect(atConfirmation.outcome).toEqual({ kind: 'declined' });
    expect(store.orders).toEqual([]);
  });

  it('says when everything is sold out', async () => {
    const { outcome, text } = await converse(new FakeStore([{ name: 'Lamp', stock: 0, priceCents: 100 }]), greeting);
    expect(outcome).toEqual({ kind: 'not_placed', code: 'sold_out' });
    expect(text).toMatch(/Sorry, everything is sold out right now\. No order was placed\.$/);
  });

  it('turns a failure of the connection into a polite message, and says when a checkout’s outcome is unknown', async () => {
    const store = new FakeStore(catalog);
    store.checkoutFailure = RequestError.fromClient('disconnected', 'Tally has been unreachable for 30 s.');
    const { outcome, text } = await converse(store, [...greeting, '1', '1', 'n', 'y']);
    expect(outcome).toEqual({ kind: 'outcome_unknown', code: 'disconnected' });
    expect(text).toMatch(/Sorry — I could not learn whether your order was placed: .*Tally has been unreachable for 30 s\.$/);

    const neverSent = new FakeStore(catalog);
    neverSent.checkoutFailure = RequestError.fromClient('not_connected', 'Tally has been unreachable for 30 s.');
    const unsent = await converse(neverSent, [...greeting, '1', '1', 'n', 'y']);
    expect(unsent.outcome).toEqual({ kind: 'not_placed', code: 'not_connected' });
    expect(unsent.text).toMatch(/Sorry — Tally is not connected right now, so nothing was sent; .* No order was placed\.$/);

    const refusing = new FakeStore(catalog);
    refusing.addToCart = async () => refusal('internal', 'Something went wrong on the server.');
    const refused = await converse(refusing, [...greeting, '1', '1']);
    expect(refused.outcome).toEqual({ kind: 'not_placed', code: 'internal' });
    expect(refused.text).toMatch(/Sorry — Something went wrong on the server\. No order was placed\.$/);
  });
});

describe('reading answers', () => {
  const products = new FakeStore(catalog).shelf;
  const empty: CartView = { lines: [], totalCents: 0 };

  it('reads quantities as whole numbers from 1 to lineQuantityMax', () => {
    expect(parseQuantity(' 7 ')).toEqual({ ok: true, value: 7 });
    expect(parseQuantity('007')).toEqual({ ok: true, value: 7 });
    expect(parseQuantity(String(lineQuantityMax))).toEqual({ ok: true, value: lineQuantityMax });
    for (const text of ['', '0', '000', String(lineQuantityMax + 1), '1e3', '+1', '1,000', '۳']) expect(parseQuantity(text).ok).toBe(false);
  });

  it('chooses a product by its # or its name, and not one with nothing left to add', () => {
    expect(chooseProduct(products, '2', empty)).toMatchObject({ ok: true, value: { name: 'Mug' } });
    expect(chooseProduct(products, ' LAMP ', empty)).toMatchObject({ ok: true, value: { name: 'Lamp' } });
    const full: CartView = { lines: [{ productId: 1, name: 'Lamp', unitPriceCents: 2500, quantity: 2, lineTotalCents: 5000 }], totalCents: 5000 };
    expect(chooseProduct(products, '1', full)).toEqual({ ok: false, problem: 'All 2 Lamp in stock are already in your cart; please choose another product.' });
  });

  it('reads y/yes/n/no in any case', () => {
    expect([parseYesNo('Y'), parseYesNo(' yes '), parseYesNo('n'), parseYesNo('NO'), parseYesNo('ok')]).toEqual([true, true, false, false, null]);
  });
});

describe('the shop command line', () => {
  it('takes --url, else TALLY_URL, else the default, and refuses anything else', () => {
    expect(parseShopCommandLine([], {})).toEqual({ help: false, urls: ['ws://127.0.0.1:9000/ws'] });
    expect(parseShopCommandLine([], { TALLY_URL: 'ws://shop.example:1/ws' })).toEqual({ help: false, urls: ['ws://shop.example:1/ws'] });
    expect(parseShopCommandLine(['--url', 'wss://a.example/ws'], { TALLY_URL: 'ws://b/ws' })).toEqual({ help: false, urls: ['wss://a.example/ws'] });
    expect(parseShopCommandLine(['--url', 'wss://a.example/ws,wss://b.example/ws'], {})).toEqual({ help: false, urls: ['wss://a.example/ws', 'wss://b.example/ws'] });
    expect(() => parseShopCommandLine(['--url', 'wss://a.example/ws,wss://b.example/'], {})).toThrow(/"wss:\/\/b\.example\/" is not a Tally endpoint/);
    expect(parseShopCommandLine(['-h'], {})).toEqual({ help: true });
    expect(() => parseShopCommandLine(['--url', 'http://a.example'], {})).toThrow(UsageError);
    expect(() => parseShopCommandLine(['--quantity', '2'], {})).toThrow(UsageError);
    expect(() => parseShopCommandLine(['Ada'], {})).toThrow(UsageError);
  });
});
