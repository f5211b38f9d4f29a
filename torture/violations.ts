/**
 * What the checker finds wrong with a torture history, each under its own kind, and the log that
 * collects them: every violation is counted, only the first few are kept to read.
 */

export const violationKinds = [
  /** The history itself is malformed (a harness bug): a repeated requestId, an answer before its send. */
  'history_invalid',
  /** An account or product is in the initial state but not the final one, or the other way round. */
  'entity_mismatch',
  /** Acknowledged, yet nothing in the final state carries its requestId. */
  'lost',
  /** One requestId on more than one committed transaction or order. */
  'duplicated',
  /** Answered with an error, yet committed. */
  'refused_but_committed',
  /** Committed after setup, yet no recorded request has its requestId. */
  'phantom',
  /** The acknowledgement's seq, transaction id or order number is not the committed row's. */
  'reply_mismatch',
  /** The committed row is not what was asked: another kind, amount, account, issuer or cart. */
  'body_mismatch',
  /** Replaying the commits in order, the model refuses one, or ends with other balances or stock. */
  'model_divergence',
  /** Final deposits differ from initial deposits plus committed deposits minus committed withdrawals. */
  'money_not_conserved',
  /** A negative balance or stock, in the final state or during the replay. */
  'negative',
  /** Sent after another request was acknowledged, yet committed no later than it. */
  'real_time_order',
] as const;

export type ViolationKind = (typeof violationKinds)[number];

export interface Violation {
  kind: ViolationKind;
  /** The request at fault; null when the fault is in the state (a balance, a product). */
  requestId: string | null;
  /** A sentence naming the request (or entity) and what is wrong with it. */
  message: string;
}

/** Violations kept to read in a report; every one is counted. */
export const violationsListedMax = 100;

export class ViolationLog {
  readonly listed: Violation[] = [];
  readonly countByKind = Object.fromEntries(violationKinds.map((kind) => [kind, 0])) as Record<ViolationKind, number>;
  #count = 0;

  add(kind: ViolationKind, requestId: string | null, message: string): void {
    this.#count += 1;
    this.countByKind[kind] += 1;
    if (this.listed.length < violationsListedMax) this.listed.push({ kind, requestId, message });
  }

  get count(): number {
    return this.#count;
  }
}
