import type { ErrorCode, ErrorDetails } from '../../shared/protocol.ts';

/** An expected refusal (sold out, unknown product...): a typed result, not an exception. */
export interface Failure {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export function succeed<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string, details?: ErrorDetails): Outcome<T> {
  return details === undefined ? { ok: false, failure: { code, message } } : { ok: false, failure: { code, message, details } };
}

/** The context an operation runs in; it may read and write only through it, and await nothing else. */
export type Operation<Context, T> = (context: Context) => Promise<Outcome<T>>;

export interface Committed<T> {
  outcome: Outcome<T>;
  /** Sequence number of the durable commit that holds this operation (for a repeat: the original's). */
  seq: number;
}
