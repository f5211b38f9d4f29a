import {
  dashboardTapeEventsMax,
  dashboardTapeEventsPerSecondMax,
  dashboardWindowSeconds,
} from '../../shared/limits.ts';
import { formatCents } from '../../shared/money.ts';
import type { CartView, DashboardSecond, ErrorDetails, OrderView, ProductView, TapeEvent, TransactionView } from '../../shared/protocol.ts';
import { type MovementTotals, movementTotalsEffect } from '../bank/rules.ts';
import type { CommittedBatch } from '../storage/unit-of-work.ts';
import type { Outcome } from '../operations/outcome.ts';
import type { ChangedEntities } from '../operations/changes.ts';
import { LatencyHistogram } from './latency-histogram.ts';

export interface Presence {
  shoppers: number;
  customers: number;
  auditors: number;
  observers: number;
}

/** The bank's stored totals, read at commit `seq`. */
export interface BankTotalsAt {
  seq: number;
  depositsCents: number;
  loansOwedCents: number;
}

export interface ClosedSecond {
  /** With `conservation`, for the auditor; `publicSecond` is the same without it. */
  second: DashboardSecond;
  publicSecond: DashboardSecond;
}

/** Tape events not yet handed out, and how many were left off since the last hand-out. */
export interface NewTape {
  tape: TapeEvent[];
  tapeOmitted: number;
}

export interface DashboardRecorderOptions {
  /** The catalog as committed when recording starts. */
  products: readonly ProductView[];
  /** What the ledger's movements say the totals must be, through commit `movementsSeq`. */
  movements: MovementTotals;
  movementsSeq: number;
}

const moneyLabels: Record<string, string> = {
  'bank.openAccount': 'New account',
  'bank.deposit': 'Deposit',
  'bank.withdraw': 'Withdrawal',
  'bank.transfer': 'Transfer',
  'bank.payLoanByCheck': 'Loan payment by check',
  'bank.payLoanByTransfer': 'Loan payment by transfer',
};

const racedCodes = new Set(['out_of_stock', 'insufficient_stock']);

/**
 * The dashboard's facts, second by second, taken from what each commit held (never from requests
 * that have not committed): orders and money operations and how they ended, races lost, stock
 * after every commit, commits and their size, reply latency, and a tape of events in words. The
 * window and the tape are bounded (dashboardWindowSeconds, dashboardTapeEventsMax).
 */
export class DashboardRecorder {
  readonly #seconds: DashboardSecond[] = [];
  readonly #tape: TapeEvent[] = [];
  readonly #products = new Map<number, { name: string; stock: number }>();
  readonly #latency = new LatencyHistogram();
  #movements: MovementTotals;
  #lastSeq: number;
  #nextTapeId = 1;
  #current = emptyAccumulator();
  #newTape: NewTape = { tape: [], tapeOmitted: 0 };

  constructor(options: DashboardRecorderOptions) {
    for (const product of options.products) this.#products.set(product.id, { name: product.name, stock: product.stock });
    this.#movements = { ...options.movements };
    this.#lastSeq = options.movementsSeq;
  }

  /** Called with every durable commit, in commit order. */
  recordCommit(seq: number, changes: ChangedEntities, batch: CommittedBatch): void {
    const current = this.#current;
    current.commits += 1;
    current.operationsCommitted += batch.operations;
    for (const { type, outcome } of batch.outcomes) {
      if (type === 'checkout') this.#recordCheckout(outcome);
      else if (Object.hasOwn(moneyLabels, type)) this.#recordMoney(type, outcome);
    }
    for (const product of changes.products) this.#recordStock(product);
    if (seq > this.#lastSeq) {
      for (const transaction of changes.transactions) this.#recordMovement(transaction);
      this.#lastSeq = seq;
    }
  }

  recordReply(latencyMs: number): void {
    this.#latency.record(latencyMs);
  }

  /** The events recorded since the last call, each handed out once. */
  takeNewTape(): NewTape {
    const taken = this.#newTape;
    this.#newTape = { tape: [], tapeOmitted: 0 };
    return taken;
  }

  /** Ends the current second at `at` (unix ms): it joins the window. */
  closeSecond(at: number, bank: BankTotalsAt, presence: Presence): ClosedSecond {
    const current = this.#current;
    const stock: Record<string, number> = {};
    for (const [id, product] of this.#products) stock[id] = product.stock;
    const publicSecond: DashboardSecond = {
      at,
      seq: Math.max(bank.seq, this.#lastSeq),
      orders: { ok: current.ordersOk, refused: current.ordersRefused },
      money: { ok: current.moneyOk, refused: current.moneyRefused },
      commits: current.commits,
      operationsCommitted: current.operationsCommitted,
      replies: this.#latency.count,
      replyLatencyP50Ms: this.#latency.percentile(0.5),
      replyLatencyP99Ms: this.#latency.percentile(0.99),
      stock,
      soldOut: current.soldOut,
      racesLost: current.racesLost,
      totalDepositsCents: bank.depositsCents,
      totalLoansOwedCents: bank.loansOwedCents,
      presence: { ...presence },
    };
    // Only comparable when both describe the same commit; they always do, as both are taken between batches.
    const second: DashboardSecond =
      bank.seq === this.#lastSeq
        ? {
            ...publicSecond,
            conservation: {
              depositsActualCents: bank.depositsCents,
              depositsExpectedCents: this.#movements.depositsCents,
              loansActualCents: bank.loansOwedCents,
              loansExpectedCents: this.#movements.loansCents,
            },
          }
        : publicSecond;
    this.#seconds.push(second);
    if (this.#seconds.length > dashboardWindowSeconds) this.#seconds.splice(0, this.#seconds.length - dashboardWindowSeconds);
    const closed = { second, publicSecond };
    this.#current = emptyAccumulator();
    this.#latency.reset();
    return closed;
  }

  /** The kept window, oldest first; without the conservation check unless for the auditor. */
  seconds(forAuditor: boolean): DashboardSecond[] {
    return forAuditor ? [...this.#seconds] : this.#seconds.map(withoutConservation);
  }

  /** The newest tape events, oldest first. */
  tape(): TapeEvent[] {
    return [...this.#tape];
  }

  #recordCheckout(outcome: Outcome<unknown>): void {
    const current = this.#current;
    if (outcome.ok) {
      current.ordersOk += 1;
      const { order } = outcome.value as { order: OrderView; cart: CartView };
      const items = order.lines.reduce((sum, line) => sum + line.quantity, 0);
      this.#addEvent('order', true, `A shopper ordered ${items} ${items === 1 ? 'item' : 'items'} for ${formatCents(order.totalCents)}`);
      return;
    }
    const { code, details } = outcome.failure;
    increment(current.ordersRefused, code);
    if (racedCodes.has(code)) {
      for (const shortfall of details?.shortfalls ?? []) increment(current.racesLost, String(shortfall.productId));
    }
    this.#addEvent('order_refused', false, `Checkout refused: ${refusalReason(code, details)}`);
  }

  #recordMoney(type: string, outcome: Outcome<unknown>): void {
    const current = this.#current;
    const label = moneyLabels[type]!;
    if (outcome.ok) {
      current.moneyOk += 1;
      const { transaction } = outcome.value as { transaction: TransactionView };
      this.#addEvent('money', true, `${label} ${formatCents(transaction.amountCents)} OK`);
      return;
    }
    increment(current.moneyRefused, outcome.failure.code);
    this.#addEvent('money_refused', false, `${label} refused: ${words(outcome.failure.code)}`);
  }

  #recordStock(view: ProductView): void {
    const known = this.#products.get(view.id);
    if (known !== undefined && known.stock > 0 && view.stock === 0) {
      this.#current.soldOut.push(view.id);
      this.#addEvent('sold_out', true, `A shopper bought the last ${view.name}`);
    }
    this.#products.set(view.id, { name: view.name, stock: view.stock });
  }

  #recordMovement(transaction: TransactionView): void {
    const effect = movementTotalsEffect(transaction.kind, openedLoan(transaction), transaction.amountCents);
    this.#movements.depositsCents += effect.depositsCents;
    this.#movements.loansCents += effect.loansCents;
  }

  #addEvent(kind: TapeEvent['kind'], ok: boolean, text: string): void {
    const current = this.#current;
    const id = this.#nextTapeId++;
    if (current.tapeEvents >= dashboardTapeEventsPerSecondMax) {
      this.#newTape.tapeOmitted += 1;
      return;
    }
    current.tapeEvents += 1;
    const event: TapeEvent = { id, at: Date.now(), kind, ok, text };
    this.#newTape.tape.push(event);
    this.#tape.push(event);
    if (this.#tape.length > dashboardTapeEventsMax) this.#tape.shift();
  }
}

interface Accumulator {
  ordersOk: number;
  ordersRefused: Record<string, number>;
  moneyOk: number;
  moneyRefused: Record<string, number>;
  commits: number;
  operationsCommitted: number;
  soldOut: number[];
  racesLost: Record<string, number>;
  /** Put on the tape this second (at most dashboardTapeEventsPerSecondMax). */
  tapeEvents: number;
}

function emptyAccumulator(): Accumulator {
  return { ordersOk: 0, ordersRefused: {}, moneyOk: 0, moneyRefused: {}, commits: 0, operationsCommitted: 0, soldOut: [], racesLost: {}, tapeEvents: 0 };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function withoutConservation(second: DashboardSecond): DashboardSecond {
  if (second.conservation === undefined) return second;
  const { conservation: _auditorOnly, ...publicSecond } = second;
  return publicSecond;
}

const words = (code: string) => code.replaceAll('_', ' ');

function refusalReason(code: string, details: ErrorDetails | undefined): string {
  const shortfall = racedCodes.has(code) ? details?.shortfalls?.[0] : undefined;
  if (shortfall === undefined) return words(code);
  return shortfall.available === 0 ? `${shortfall.name} sold out` : `only ${shortfall.available} ${shortfall.name} left`;
}

/** An account opening whose customer account is debited is a loan (the principal is owed). */
function openedLoan(transaction: TransactionView): boolean {
  if (transaction.kind !== 'open_account') return false;
  const entry = transaction.entries.find((candidate) => candidate.accountNumber === transaction.toAccountNumber);
  return entry !== undefined && entry.amountCents > 0;
}
