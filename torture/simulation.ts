/**
 * A correct server, simulated, for the checker's tests and bench: it serves requests through the
 * model in commit batches and records a consistent history, which a test then damages on purpose.
 * Not used by the torture run itself.
 */
import { cashAccountNumber } from '../shared/account-number.ts';
import type { AccountView, OrderView, ProductView, TransactionKind, TransactionView } from '../shared/protocol.ts';
import type { ClientOutcome, FinalState, InitialState, OperationRecord, TortureHistory, TortureOperation } from './history.ts';
import { TortureModel, movedAccounts } from './model.ts';

/** What became of a request, beyond what the model decides. */
export type RequestFate =
  /** Served and answered. */
  | 'answered'
  /** Served (committed unless refused) but the answer never reached the client. */
  | 'unanswered'
  /** Never reached the server: nothing happened. */
  | 'never_arrived';

export interface SimulatedRequest {
  requestId: string;
  issuer: string;
  operation: TortureOperation;
  fate?: RequestFate;
  sends?: number;
  /** Commit even if a correct server would refuse it: a deliberate server bug. */
  forced?: boolean;
}

const createdAt = '2026-01-01T00:00:00.000Z';
const transactionKinds = { 'bank.transfer': 'transfer', 'bank.deposit': 'deposit', 'bank.withdraw': 'withdrawal' } as const satisfies Record<string, TransactionKind>;

export class SimulatedRun {
  readonly #initial: InitialState;
  readonly #model: TortureModel;
  readonly #prices: Map<number, ProductView>;
  readonly #records: OperationRecord[] = [];
  readonly #transactions: TransactionView[] = [];
  readonly #orders: FinalState['orders'] = [];
  #seq: number;
  #nextTransactionId = 1;
  #nextOrderNumber = 1;
  #clockMs = 0;

  constructor(initial: InitialState) {
    this.#initial = initial;
    this.#seq = initial.seq;
    this.#model = new TortureModel(initial.accounts, initial.products);
    this.#prices = new Map(initial.products.map((product) => [product.id, product]));
  }

  /** Serves one request in a commit of its own. */
  request(request: SimulatedRequest): OperationRecord {
    return this.batch([request])[0]!;
  }

  /**
   * Serves requests as one commit: all are sent, then those the model accepts commit in order at
   * one seq, then all are answered.
   */
  batch(requests: readonly SimulatedRequest[]): OperationRecord[] {
    const sentAtMs = requests.map(() => this.#tick());
    this.#seq += 1;
    const outcomes = requests.map((request) => this.#serve(request));
    const answeredAtMs = this.#tick();
    const records = requests.map((request, index) => recordOf(request, outcomes[index]!, sentAtMs[index]!, answeredAtMs));
    this.#records.push(...records);
    return records;
  }

  /** The checkout body for a cart, at the initial prices. */
  checkout(lines: Array<{ productId: number; quantity: number }>): TortureOperation {
    const expectedTotalCents = lines.reduce((total, line) => total + this.#product(line.productId).priceCents * line.quantity, 0);
    return { type: 'checkout', expectedTotalCents, lines };
  }

  history(): TortureHistory {
    const balances = this.#model.balances();
    const stocks = this.#model.stocks();
    const accounts = this.#initial.accounts.map((account) => ({ ...account, balanceCents: balances.get(account.number)! }));
    const products = this.#initial.products.map((product) => ({ ...product, stock: stocks.get(product.id)! }));
    return {
      initial: this.#initial,
      operations: [...this.#records],
      final: { seq: this.#seq, accounts, products, transactions: [...this.#transactions], orders: [...this.#orders] },
    };
  }

  #serve({ requestId, issuer, operation, fate = 'answered', forced = false }: SimulatedRequest): ClientOutcome {
    if (fate === 'never_arrived') return { kind: 'unknown' };
    const refusal = this.#model.refusal(issuer, operation);
    if (refusal !== null && !forced) return fate === 'answered' ? { kind: 'refused', code: refusal.code } : { kind: 'unknown' };
    this.#model.apply(operation);
    const committed = this.#commit(requestId, issuer, operation);
    return fate === 'answered' ? committed : { kind: 'unknown' };
  }

  #commit(requestId: string, issuer: string, operation: TortureOperation): ClientOutcome {
    const seq = this.#seq;
    if (operation.type === 'checkout') {
      const order = this.#order(requestId, issuer, operation.lines);
      this.#orders.push({ shopper: issuer, order });
      return { kind: 'ok', seq, orderNumber: order.orderNumber };
    }
    const transaction = this.#transaction(requestId, issuer, operation);
    this.#transactions.push(transaction);
    return { kind: 'ok', seq, transactionId: transaction.id };
  }

  #transaction(requestId: string, username: string, operation: Exclude<TortureOperation, { type: 'checkout' }>): TransactionView {
    const [from, to] = movedAccounts(operation);
    const { amountCents } = operation;
    const entries = [
      { accountNumber: from ?? cashAccountNumber, amountCents },
      { accountNumber: to ?? cashAccountNumber, amountCents: -amountCents },
    ];
    const id = this.#nextTransactionId++;
    return { id, kind: transactionKinds[operation.type], amountCents, fromAccountNumber: from, toAccountNumber: to, username, createdAt, seq: this.#seq, requestId, entries };
  }

  #order(requestId: string, shopper: string, cart: Array<{ productId: number; quantity: number }>): OrderView {
    const lines = cart.map(({ productId, quantity }) => {
      const { name, priceCents } = this.#product(productId);
      return { productId, name, unitPriceCents: priceCents, quantity, lineTotalCents: priceCents * quantity };
    });
    const totalCents = lines.reduce((total, line) => total + line.lineTotalCents, 0);
    const orderNumber = this.#nextOrderNumber++;
    return { orderNumber, requestId, seq: this.#seq, placedAt: createdAt, shipTo: { name: shopper, address: '1 Test Street' }, lines, totalCents };
  }

  #product(productId: number): ProductView {
    const product = this.#prices.get(productId);
    if (product === undefined) throw new Error(`the simulation has no product ${productId}`);
    return product;
  }

  #tick(): number {
    this.#clockMs += 1;
    return this.#clockMs;
  }
}

function recordOf(request: SimulatedRequest, outcome: ClientOutcome, firstSentAtMs: number, answeredAtMs: number): OperationRecord {
  const { requestId, issuer, operation, sends = 1 } = request;
  const answered = outcome.kind !== 'unknown';
  return { requestId, issuer, operation, firstSentAtMs, answeredAtMs: answered ? answeredAtMs : null, sends, outcome };
}

/** A customer checking account as the protocol shows it. */
export function accountView(number: string, ownerUsername: string, balanceCents: number): AccountView {
  return { number, kind: 'checking', ownerUsername, balanceCents, version: 1, openedAt: createdAt };
}

export function productView(id: number, stock: number, priceCents: number): ProductView {
  return { id, name: `Product ${id}`, description: '', emoji: '📦', priceCents, stock, version: 1 };
}
