/**
 * What a torture run records and what its checker reads: every operation the clients sent (with
 * its idempotency key, the body, when it was first sent and when it was answered, and how), the
 * state right after setup, and the final state read back through the protocol alone.
 */
import type { AccountView, OrderView, ProductView, TransactionView } from '../shared/protocol.ts';

/** The operations the torture workload sends; each is keyed and state-changing. */
export type TortureOperation =
  | { type: 'bank.transfer'; fromAccountNumber: string; toAccountNumber: string; amountCents: number }
  | { type: 'bank.deposit'; accountNumber: string; amountCents: number }
  | { type: 'bank.withdraw'; accountNumber: string; amountCents: number }
  /** `lines` is what the client put in its cart before checking out (the checkout body has only the total). */
  | { type: 'checkout'; expectedTotalCents: number; lines: Array<{ productId: number; quantity: number }> };

/** How an operation ended, as its client saw it. */
export type ClientOutcome =
  /** A `result`: committed, in the commit `seq`; `transactionId` for money, `orderNumber` for checkout. */
  | { kind: 'ok'; seq: number; transactionId?: number; orderNumber?: number }
  /** An `error` from the operation itself: it did not happen (and its key is spent). */
  | { kind: 'refused'; code: string }
  /** Never answered by the end of the run (the harness's final re-send also failed). */
  | { kind: 'unknown' };

export interface OperationRecord {
  /** The idempotency key (`requestId`); unique across the whole run. */
  requestId: string;
  /** The username (bank) or shopper name (store) whose scope the key lives in. */
  issuer: string;
  operation: TortureOperation;
  /** performance.now() of the first send (all clients run in the harness's one process). */
  firstSentAtMs: number;
  /** performance.now() when the answer arrived; null when none did. */
  answeredAtMs: number | null;
  /** How many times the request was sent (1 + re-sends after reconnects). */
  sends: number;
  outcome: ClientOutcome;
}

/** The state the workload starts from, read after setup (through the protocol). */
export interface InitialState {
  /** The commit position after setup; every commit after it belongs to the run. */
  seq: number;
  accounts: AccountView[];
  products: ProductView[];
}

/** Read at the end through the protocol alone: the auditor's views and each shopper's orders. */
export interface FinalState {
  seq: number;
  /** Every customer account (audit.holders). */
  accounts: AccountView[];
  products: ProductView[];
  /** Every ledger transaction committed after the setup seq (audit.history), any order. */
  transactions: TransactionView[];
  /** Every order placed after the setup seq, with the shopper who placed it. */
  orders: Array<{ shopper: string; order: OrderView }>;
}

export interface TortureHistory {
  initial: InitialState;
  operations: OperationRecord[];
  final: FinalState;
}
