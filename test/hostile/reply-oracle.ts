import { isUtf8 } from 'node:buffer';
import { frameBytesMax } from '../../shared/limits.ts';
import {
  ClientMessage,
  clientMessageTypes,
  type ClientMessageType,
  type ErrorCode,
  type ErrorMessage,
  type Result,
  requestId as requestIdSchema,
  resultSchemas,
} from '../../shared/protocol.ts';

/**
 * What the protocol (docs/PROTOCOL.md §1, §2 and §9) says must answer a frame, worked out from the
 * bytes on the wire alone, never from how the frame was made.
 */
export type Expectation =
  /** The connection is closed with this code and nothing answers the frame. */
  | { kind: 'close'; code: number; why: string }
  /** Refused at the edge with exactly this code; `requestId` echoed when it was readable, else null. */
  | { kind: 'refused'; code: EdgeCode; requestId: string | null }
  /** A valid request: its result, or a refusal documented for its type. */
  | { kind: 'answered'; type: ClientMessageType; requestId: string };

/** ws closes a text frame that is not UTF-8 with 1007 (RFC 6455 §8.1; closeCodes.invalidUtf8). */
export const invalidUtf8CloseCode = 1007;
/** RFC 6455's "message too big" (closeCodes.frameTooLarge), spelled out so the test does not take the server's word for it. */
export const frameTooLargeCloseCode = 1009;

const edgeCodes = ['malformed_json', 'binary_frame', 'invalid_message', 'unknown_type'] as const satisfies readonly ErrorCode[];
type EdgeCode = (typeof edgeCodes)[number];
const edgeCodeSet: ReadonlySet<string> = new Set(edgeCodes);

/** Codes PROTOCOL.md gives to any request: the connection's limits (in flight, rate) and shutdown. */
const anyRequest = ['server_busy', 'rate_limited'] as const;
const shopperSession = ['not_signed_in'] as const;
const userSession = ['not_authenticated', 'forbidden'] as const;
const moneyRefusals = [...userSession, 'unknown_account', 'wrong_account_kind', 'idempotency_mismatch'] as const;

/** The "Produced by" column of PROTOCOL.md §9, turned around: the refusals each valid request may get besides `anyRequest`. */
export const documentedRefusals: Record<ClientMessageType, readonly ErrorCode[]> = {
  'session.start': ['already_signed_in'],
  'session.resume': ['already_signed_in', 'session_not_found', 'session_expired'],
  'catalog.sync': [],
  'cart.add': [...shopperSession, 'unknown_product', 'insufficient_stock', 'quantity_limit', 'cart_full', 'idempotency_mismatch'],
  'cart.set': [...shopperSession, 'unknown_product', 'insufficient_stock', 'cart_full', 'idempotency_mismatch'],
  'cart.clear': [...shopperSession, 'idempotency_mismatch'],
  checkout: [...shopperSession, 'cart_empty', 'cart_changed', 'out_of_stock', 'idempotency_mismatch'],
  'orders.list': shopperSession,
  'sync.resume': ['resync_required'],
  ping: [],
  'auth.register': ['already_signed_in', 'username_taken'],
  'auth.signIn': ['already_signed_in', 'invalid_credentials'],
  'auth.resume': ['already_signed_in', 'session_not_found', 'session_expired'],
  'auth.signOut': userSession,
  'bank.openAccount': [...userSession, 'account_limit', 'idempotency_mismatch'],
  'bank.deposit': [...moneyRefusals, 'balance_limit'],
  'bank.withdraw': [...moneyRefusals, 'insufficient_funds'],
  'bank.transfer': [...moneyRefusals, 'same_account', 'insufficient_funds', 'balance_limit'],
  'bank.payLoanByCheck': [...moneyRefusals, 'overpayment'],
  'bank.payLoanByTransfer': [...moneyRefusals, 'same_account', 'insufficient_funds', 'overpayment'],
  'bank.accounts': userSession,
  'bank.history': [...userSession, 'unknown_account'],
  'audit.holders': userSession,
  'audit.history': [...userSession, 'unknown_account'],
  'audit.check': userSession,
  'dashboard.watch': [],
  'dashboard.unwatch': [],
};

const knownTypes: ReadonlySet<string> = new Set(clientMessageTypes);

export function expectationOf(payload: Buffer, isBinary: boolean): Expectation {
  if (payload.length > frameBytesMax) return { kind: 'close', code: frameTooLargeCloseCode, why: `${payload.length} bytes > frameBytesMax` };
  if (isBinary) return { kind: 'refused', code: 'binary_frame', requestId: null };
  if (!isUtf8(payload)) return { kind: 'close', code: invalidUtf8CloseCode, why: 'a text frame that is not UTF-8' };
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    return { kind: 'refused', code: 'malformed_json', requestId: null };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { kind: 'refused', code: 'invalid_message', requestId: null };
  const fields = raw as Record<string, unknown>;
  const readable = requestIdSchema.safeParse(fields.requestId);
  const requestId = readable.success ? readable.data : null;
  if (typeof fields.type !== 'string') return { kind: 'refused', code: 'invalid_message', requestId };
  if (!knownTypes.has(fields.type)) return { kind: 'refused', code: 'unknown_type', requestId };
  const parsed = ClientMessage.safeParse(raw);
  if (!parsed.success || requestId === null) return { kind: 'refused', code: 'invalid_message', requestId };
  return { kind: 'answered', type: parsed.data.type, requestId };
}

/** Null when the reply is what the protocol allows for the frame; else why not. */
export function problemWithReply(expectation: Expectation, reply: Result | ErrorMessage): string | null {
  if (expectation.kind === 'close') return `expected the socket to close with ${expectation.code}, got a reply`;
  if (reply.requestId !== expectation.requestId) return `requestId ${JSON.stringify(reply.requestId)}, expected ${JSON.stringify(expectation.requestId)}`;
  if (expectation.kind === 'refused') {
    if (reply.type === 'result') return `a frame the protocol refuses (${expectation.code}) got a result`;
    // The per-connection rate limit counts every frame, a malformed one too (PROTOCOL.md §2, rate limits).
    return reply.code === expectation.code || reply.code === 'rate_limited' ? null : `code ${reply.code}, expected ${expectation.code}`;
  }
  if (reply.type === 'result') {
    const checked = resultSchemas[expectation.type].safeParse(reply.result);
    return checked.success ? null : `the ${expectation.type} result breaks its schema: ${checked.error.issues[0]?.message ?? ''}`;
  }
  if (reply.code === 'internal') return 'the server answered internal';
  if (edgeCodeSet.has(reply.code)) return `a valid ${expectation.type} was refused at the edge (${reply.code})`;
  if ((anyRequest as readonly string[]).includes(reply.code) || documentedRefusals[expectation.type].includes(reply.code)) return null;
  return `${reply.code} is not a documented refusal of ${expectation.type} (PROTOCOL.md §9)`;
}
