/**
 * The online store seed's conversation, as a pure function of its answers: name and address, a
 * greeting, the products with their live stock, products and quantities (each checked by the
 * server), "add another item?", the order summary and total bill, the confirmation, and the
 * outcome: placed, or "another client purchased it first". It knows no sockets and no terminal:
 * it is handed `ask`, `say` and a small store (cli/shop-store.ts over the protocol client).
 */
import { cartLinesMax, lineQuantityMax } from '../shared/limits.ts';
import { RequestError } from '../shared/client/request-error.ts';
import type { CartView, ErrorCode, ErrorDetails, OrderView, ProductView, ShopperView, StockShortfall } from '../shared/protocol.ts';
import {
  chooseProduct,
  describeOrder,
  describeShortfalls,
  formatCartSummary,
  formatProducts,
  parseQuantity,
  parseShopperText,
  parseYesNo,
  quantityInCart,
  unitsLeftToAdd,
  type Parsed,
} from './shop-format.ts';

/** Answers one conversation takes at most, wrong ones included: a bound on any loop below. */
export const shopAnswersMax = 1_000;

/** Times the shopper may review and confirm again after a checkout was refused. */
export const checkoutAttemptsMax = 3;

/** The prompt and the answer's line; null once the answers have ended. */
export interface DialogueIo {
  ask(prompt: string): Promise<string | null>;
  say(line: string): void;
}

/** A server's refusal, as a Reply carries it. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails | undefined;
}

export type StoreAnswer<Result> = { ok: true; result: Result } | { ok: false; error: Refusal };

/** The store as the dialogue sees it. A refusal is an answer; a failure of the client throws a RequestError. */
export interface ShopStore {
  /** Every product with its stock as known now (live), in catalog order. */
  products(): Promise<readonly ProductView[]>;
  startSession(name: string, address: string): Promise<StoreAnswer<{ shopper: ShopperView; cart: CartView }>>;
  addToCart(productId: number, quantity: number): Promise<StoreAnswer<{ cart: CartView }>>;
  setCartLine(productId: number, quantity: number): Promise<StoreAnswer<{ cart: CartView }>>;
  checkout(expectedTotalCents: number): Promise<StoreAnswer<{ order: OrderView; cart: CartView }>>;
}

export type ShopOutcome =
  | { kind: 'placed'; order: OrderView }
  /** The shopper chose not to order (at the greeting or the confirmation). */
  | { kind: 'declined' }
  /** No order: another shopper was first, nothing was in stock, the server refused or could not be reached. */
  | { kind: 'not_placed'; code: string }
  /** A checkout's answer could not be read (a reply that breaks the protocol): its fate is not known here. */
  | { kind: 'outcome_unknown'; code: string }
  | { kind: 'input_ended' };

export function runShopDialogue(io: DialogueIo, store: ShopStore): Promise<ShopOutcome> {
  return new ShopDialogue(io, store).run();
}

/** The answers ended (or passed shopAnswersMax) while `what` was asked: the conversation stops politely. */
class InputEnded extends Error {
  constructor(
    readonly what: string,
    readonly tooMany: boolean,
  ) {
    super(`the answers ended before ${what}`);
  }
}

/** A refusal the dialogue has no words of its own for: said as the server words it, and the conversation ends. */
function refused(refusal: Refusal): RequestError {
  return new RequestError(refusal.code, refusal.message, refusal.details);
}

const emptyCart: CartView = { lines: [], totalCents: 0 };

type AddVerdict = 'added' | 'ask_quantity_again' | 'choose_again';

class ShopDialogue {
  readonly #io: DialogueIo;
  readonly #store: ShopStore;
  #answers = 0;
  #cart: CartView = emptyCart;
  #checkoutInFlight = false;

  constructor(io: DialogueIo, store: ShopStore) {
    this.#io = io;
    this.#store = store;
  }

  async run(): Promise<ShopOutcome> {
    try {
      return await this.#converse();
    } catch (error) {
      if (error instanceof InputEnded) {
        const why = error.tooMany ? `That makes more than ${shopAnswersMax} answers` : `Your answers ended before ${error.what}`;
        this.#io.say(`${why}, so I stopped here. No order was placed.`);
        return { kind: 'input_ended' };
      }
      if (error instanceof RequestError) return this.#failed(error);
      throw error;
    }
  }

  async #converse(): Promise<ShopOutcome> {
    const shopper = await this.#startSession();
    const wantsToOrder = await this.#askYesNo(`Hello ${shopper.name}! Would you like to place an order? (y/n) `, 'whether to place an order');
    if (!wantsToOrder) {
      this.#io.say(`No problem, ${shopper.name}. Goodbye!`);
      return { kind: 'declined' };
    }
    if (!(await this.#fillCart())) return { kind: 'not_placed', code: 'sold_out' };
    return this.#reviewAndCheckout(shopper);
  }

  async #startSession(): Promise<ShopperView> {
    const name = await this.#askParsed('Your name: ', 'your name', (text) => parseShopperText('name', text));
    const address = await this.#askParsed('Your address: ', 'your address', (text) => parseShopperText('address', text));
    const answer = await this.#store.startSession(name, address);
    if (!answer.ok) throw refused(answer.error);
    this.#cart = answer.result.cart;
    return answer.result.shopper;
  }

  /** Adds items until the shopper is done; false when nothing could go in the cart at all. */
  async #fillCart(): Promise<boolean> {
    for (;;) {
      const products = await this.#store.products();
      this.#io.say('Here is what we have right now:');
      this.#io.say(formatProducts(products));
      if (!products.some((product) => unitsLeftToAdd(product, this.#cart) > 0)) {
        this.#io.say(this.#cart.lines.length === 0 ? 'Sorry, everything is sold out right now. No order was placed.' : 'Nothing more is in stock to add.');
        return this.#cart.lines.length > 0;
      }
      await this.#addOneItem(products);
      if (this.#cart.lines.length === 0) continue;
      if (!(await this.#askYesNo('Add another item? (y/n) ', 'whether to add another item'))) return true;
    }
  }

  async #addOneItem(products: readonly ProductView[]): Promise<void> {
    const product = await this.#askParsed('Which product? Type its # or name: ', 'the product choice', (text) => chooseProduct(products, text, this.#cart));
    for (;;) {
      const inCart = quantityInCart(this.#cart, product.id);
      const hint = inCart === 0 ? `${product.stock} in stock` : `${product.stock} in stock, ${inCart} in your cart`;
      const quantity = await this.#askParsed(`How many ${product.name}? (${hint}) `, 'the quantity', parseQuantity);
      const verdict = await this.#add(product, quantity);
      if (verdict !== 'ask_quantity_again') return;
    }
  }

  async #add(product: ProductView, quantity: number): Promise<AddVerdict> {
    const answer = await this.#store.addToCart(product.id, quantity);
    if (answer.ok) {
      this.#cart = answer.result.cart;
      this.#io.say(`Added ${quantity} × ${product.name} to your cart.`);
      return 'added';
    }
    const inCart = quantityInCart(this.#cart, product.id);
    const { code, details } = answer.error;
    if (code === 'insufficient_stock') return this.#explainShortStock(product, inCart, details?.shortfalls?.[0]);
    if (code === 'quantity_limit') {
      this.#io.say(`Sorry — one order may hold at most ${lineQuantityMax} ${product.name}, and ${inCart} are already in your cart.`);
      return inCart < lineQuantityMax ? 'ask_quantity_again' : 'choose_again';
    }
    if (code === 'cart_full') {
      this.#io.say(`Sorry — your cart already holds ${cartLinesMax} different products, as many as one order may.`);
      return 'choose_again';
    }
    if (code === 'unknown_product') {
      this.#io.say(`Sorry — ${product.name} is no longer sold.`);
      return 'choose_again';
    }
    throw refused(answer.error);
  }

  /** The server's `insufficient_stock`: how many are left, and whether asking for fewer can help. */
  #explainShortStock(product: ProductView, inCart: number, shortfall: StockShortfall | undefined): AddVerdict {
    const available = shortfall?.available ?? 0;
    const already = inCart === 0 ? '' : `, and ${inCart} of them are already in your cart`;
    const leftToAdd = available - inCart;
    if (leftToAdd > 0) {
      this.#io.say(`Sorry — only ${available} ${product.name} left${already}. Please choose at most ${leftToAdd}.`);
      return 'ask_quantity_again';
    }
    this.#io.say(`Sorry — only ${available} ${product.name} left${already}. Please choose another product.`);
    return 'choose_again';
  }

  async #reviewAndCheckout(shopper: ShopperView): Promise<ShopOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      this.#io.say(`Your order, to be shipped to ${shopper.name}, ${shopper.address}:`);
      this.#io.say(formatCartSummary(this.#cart));
      if (!(await this.#askYesNo('Confirm order? (y/n) ', 'the confirmation'))) {
        this.#io.say('All right — your order was not placed. Goodbye!');
        return { kind: 'declined' };
      }
      this.#checkoutInFlight = true;
      const answer = await this.#store.checkout(this.#cart.totalCents);
      this.#checkoutInFlight = false;
      if (answer.ok) {
        this.#cart = answer.result.cart;
        this.#io.say(describeOrder(answer.result.order));
        this.#io.say(`Thank you, ${shopper.name}!`);
        return { kind: 'placed', order: answer.result.order };
      }
      const next = await this.#afterRefusedCheckout(answer.error, attempt < checkoutAttemptsMax);
      if (next !== 'review_again') return next;
    }
  }

  async #afterRefusedCheckout(refusal: Refusal, mayTryAgain: boolean): Promise<ShopOutcome | 'review_again'> {
    const notPlaced: ShopOutcome = { kind: 'not_placed', code: refusal.code };
    if (refusal.code === 'out_of_stock') {
      const shortfalls = refusal.details?.shortfalls ?? [];
      for (const line of describeShortfalls(shortfalls)) this.#io.say(line);
      if (!mayTryAgain || !this.#somethingWouldRemain(shortfalls)) return notPlaced;
      if (!(await this.#askYesNo('Would you like to order what is left instead? (y/n) ', 'whether to order what is left'))) {
        this.#io.say('All right. Goodbye!');
        return notPlaced;
      }
      return (await this.#lowerToAvailable(shortfalls)) ? 'review_again' : notPlaced;
    }
    if (refusal.code === 'cart_changed' && refusal.details?.cart !== undefined) {
      this.#cart = refusal.details.cart;
      if (!mayTryAgain || this.#cart.lines.length === 0) {
        this.#io.say('Sorry — your cart changed while you reviewed it (a price may have changed). Your order was not placed.');
        return notPlaced;
      }
      this.#io.say('Your cart changed while you reviewed it (a price may have changed); please review it again.');
      return 'review_again';
    }
    if (refusal.code === 'cart_empty') {
      this.#io.say('Your cart is empty, so there was nothing to order.');
      return notPlaced;
    }
    throw refused(refusal);
  }

  #somethingWouldRemain(shortfalls: readonly StockShortfall[]): boolean {
    return this.#cart.lines.some((line) => {
      const shortfall = shortfalls.find((candidate) => candidate.productId === line.productId);
      return shortfall === undefined || shortfall.available > 0;
    });
  }

  /** Each short line down to what is left (0 removes it); false if the server refused, as said. */
  async #lowerToAvailable(shortfalls: readonly StockShortfall[]): Promise<boolean> {
    for (const shortfall of shortfalls) {
      const answer = await this.#store.setCartLine(shortfall.productId, shortfall.available);
      if (!answer.ok) {
        this.#io.say(`Sorry — ${answer.error.message} Your order was not placed.`);
        return false;
      }
      this.#cart = answer.result.cart;
    }
    return this.#cart.lines.length > 0;
  }

  #failed(error: RequestError): ShopOutcome {
    if (this.#checkoutInFlight && error.code !== 'not_connected') {
      this.#io.say(`Sorry — I could not learn whether your order was placed: ${error.message}`);
      return { kind: 'outcome_unknown', code: error.code };
    }
    this.#io.say(`Sorry — ${error.message} No order was placed.`);
    return { kind: 'not_placed', code: error.code };
  }

  async #askYesNo(prompt: string, what: string): Promise<boolean> {
    return this.#askParsed(prompt, what, (text) => {
      const answer = parseYesNo(text);
      return answer === null ? { ok: false, problem: 'Please answer y or n.' } : { ok: true, value: answer };
    });
  }

  /** Asks until `parse` accepts the answer, saying each problem; throws InputEnded when the answers end. */
  async #askParsed<Value>(prompt: string, what: string, parse: (text: string) => Parsed<Value>): Promise<Value> {
    for (;;) {
      if (this.#answers >= shopAnswersMax) throw new InputEnded(what, true);
      this.#answers += 1;
      const text = await this.#io.ask(prompt);
      if (text === null) throw new InputEnded(what, false);
      const parsed = parse(text);
      if (parsed.ok) return parsed.value;
      this.#io.say(parsed.problem);
    }
  }
}
