/**
 * A single-threaded model of the bank and the store: what a correct server, executing the committed
 * operations one after another, would accept and what balances and stock it would end with. The
 * checker replays the final state's commits through it; the simulator (tests, bench) uses it to
 * decide which requests a correct server commits.
 *
 * The rules mirror server/bank/rules.ts and server/store/rules.ts for the operations the torture
 * workload sends; they are restated here on purpose, so a bug in the server's rules is not also
 * a bug in its judge.
 */
import type { AccountKind, AccountView, ErrorCode, ProductView } from '../shared/protocol.ts';
import { balanceCentsMax } from '../shared/limits.ts';
import type { TortureOperation } from './history.ts';

/** Why a correct server would not commit an operation. */
export interface ModelRefusal {
  code: ErrorCode;
  message: string;
}

interface ModelAccount {
  kind: AccountKind;
  ownerUsername: string;
  balanceCents: number;
}

type MoneyOperation = Exclude<TortureOperation, { type: 'checkout' }>;
type CheckoutLine = { productId: number; quantity: number };

const refuse = (code: ErrorCode, message: string): ModelRefusal => ({ code, message });

const holdsDeposits = (account: ModelAccount) => account.kind === 'checking' || account.kind === 'savings';

/** Usernames are stored lower-case; a harness may record them as typed. */
const sameUser = (left: string, right: string) => left.toLowerCase() === right.toLowerCase();

export class TortureModel {
  readonly #accounts = new Map<string, ModelAccount>();
  readonly #stock = new Map<number, number>();

  constructor(accounts: readonly AccountView[], products: readonly ProductView[]) {
    for (const { number, kind, ownerUsername, balanceCents } of accounts) {
      this.#accounts.set(number, { kind, ownerUsername, balanceCents });
    }
    for (const { id, stock } of products) this.#stock.set(id, stock);
  }

  /** Null when a correct server would commit `operation` from `issuer` now; otherwise why not. */
  refusal(issuer: string, operation: TortureOperation): ModelRefusal | null {
    if (operation.type === 'checkout') return this.#checkoutRefusal(operation.lines);
    return this.#moneyRefusal(issuer, operation);
  }

  /**
   * Applies the operation's effects, even when the model would refuse it: the server committed it,
   * so the final state holds its effects, and only the refusal should be reported, not every
   * balance after it. Answers each entity the operation left negative, in words.
   */
  apply(operation: TortureOperation): string[] {
    if (operation.type === 'checkout') return operation.lines.flatMap((line) => this.#take(line));
    const [debited, credited] = movedAccounts(operation);
    return [...this.#addCents(debited, -operation.amountCents), ...this.#addCents(credited, operation.amountCents)];
  }

  balances(): ReadonlyMap<string, number> {
    return new Map([...this.#accounts].map(([number, account]) => [number, account.balanceCents]));
  }

  stocks(): ReadonlyMap<number, number> {
    return this.#stock;
  }

  #moneyRefusal(issuer: string, operation: MoneyOperation): ModelRefusal | null {
    const [debitedNumber, creditedNumber] = movedAccounts(operation);
    if (debitedNumber !== null && debitedNumber === creditedNumber) {
      return refuse('same_account', 'Money must move between two different accounts.');
    }
    // The account the issuer names as theirs: a transfer's or withdrawal's source, a deposit's target.
    // Another customer's is refused exactly as one that does not exist.
    const ownNumber = (debitedNumber ?? creditedNumber)!;
    const own = this.#accounts.get(ownNumber);
    if (own === undefined || !sameUser(own.ownerUsername, issuer)) return refuse('unknown_account', `${issuer} has no account ${ownNumber}.`);
    if (!holdsDeposits(own)) return refuse('wrong_account_kind', 'Money moves only between checking and savings accounts.');
    if (creditedNumber !== null) {
      const credited = this.#accounts.get(creditedNumber);
      const fits = credited !== undefined && credited.balanceCents + operation.amountCents <= balanceCentsMax;
      if (credited === undefined || !sameUser(credited.ownerUsername, issuer)) {
        // A transfer into another customer's account: every reason it cannot take it is one refusal.
        if (credited === undefined || !holdsDeposits(credited) || !fits) return refuse('unknown_account', `No account ${creditedNumber} can receive this transfer.`);
      } else {
        if (!holdsDeposits(credited)) return refuse('wrong_account_kind', 'Money moves only between checking and savings accounts.');
        if (!fits) return refuse('balance_limit', `Account ${creditedNumber} may not hold more than ${balanceCentsMax} cents.`);
      }
    }
    if (debitedNumber !== null && own.balanceCents < operation.amountCents) {
      return refuse('insufficient_funds', `Account ${debitedNumber} holds ${own.balanceCents} cents, less than ${operation.amountCents}.`);
    }
    return null;
  }

  #checkoutRefusal(lines: readonly CheckoutLine[]): ModelRefusal | null {
    if (lines.length === 0) return refuse('cart_empty', 'The cart is empty.');
    for (const { productId, quantity } of lines) {
      const stock = this.#stock.get(productId);
      if (stock === undefined) return refuse('unknown_product', `There is no product ${productId}.`);
      if (stock < quantity) return refuse('out_of_stock', `Product ${productId} has ${stock} in stock, fewer than ${quantity}.`);
    }
    return null;
  }

  #addCents(number: string | null, deltaCents: number): string[] {
    const account = number === null ? undefined : this.#accounts.get(number);
    if (account === undefined) return [];
    account.balanceCents += deltaCents;
    return account.balanceCents < 0 ? [`account ${number} at ${account.balanceCents} cents`] : [];
  }

  #take({ productId, quantity }: CheckoutLine): string[] {
    const stock = this.#stock.get(productId);
    if (stock === undefined) return [];
    this.#stock.set(productId, stock - quantity);
    return stock - quantity < 0 ? [`product ${productId} at ${stock - quantity} in stock`] : [];
  }
}

/** The customer accounts a money operation takes from and gives to (null: outside the bank). */
export function movedAccounts(operation: MoneyOperation): [debited: string | null, credited: string | null] {
  switch (operation.type) {
    case 'bank.transfer':
      return [operation.fromAccountNumber, operation.toAccountNumber];
    case 'bank.deposit':
      return [null, operation.accountNumber];
    case 'bank.withdraw':
      return [operation.accountNumber, null];
    default:
      return unreachable(operation);
  }
}

/** A phrase naming the operation, for violation messages. */
export function describeOperation(operation: TortureOperation): string {
  switch (operation.type) {
    case 'bank.transfer':
      return `transfer of ${operation.amountCents} cents from ${operation.fromAccountNumber} to ${operation.toAccountNumber}`;
    case 'bank.deposit':
      return `deposit of ${operation.amountCents} cents into ${operation.accountNumber}`;
    case 'bank.withdraw':
      return `withdrawal of ${operation.amountCents} cents from ${operation.accountNumber}`;
    case 'checkout':
      return `checkout of ${describeLines(operation.lines)} for ${operation.expectedTotalCents} cents`;
    default:
      return unreachable(operation);
  }
}

export function describeLines(lines: readonly CheckoutLine[]): string {
  return lines.map((line) => `${line.quantity} x product ${line.productId}`).join(', ') || 'nothing';
}

export function unreachable(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
