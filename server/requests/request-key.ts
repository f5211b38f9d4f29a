import { hash } from 'node:crypto';
import type { ClientMessage } from '../../shared/protocol.ts';

/**
 * The identity of a state-changing request, for exactly-once: its issuer's scope, the key the
 * issuer chose (`requestId`), and a digest of what it asked for. The outcome is stored under
 * (scope, requestId) in the same commit as the effect; a repeat with the same digest gets that
 * outcome back, a repeat with another digest is refused.
 */
export interface RequestKey {
  /** Whose keys these are: `u<user id>` or `s<shopper id>`. Nobody can reach another scope's keys. */
  scope: string;
  requestId: string;
  bodyDigest: Buffer;
  /** The request's type (`checkout`, `bank.transfer`...), so what a commit held can be told apart. */
  type: string;
}

/** Bytes of SHA-256 kept: enough to tell two bodies apart, and half the storage per request. */
export const bodyDigestBytes = 16;

export const userScope = (userId: number): string => `u${userId}`;
export const shopperScope = (shopperId: number): string => `s${shopperId}`;

export function requestKey(scope: string, message: ClientMessage): RequestKey {
  return { scope, requestId: message.requestId, bodyDigest: bodyDigest(message), type: message.type };
}

/** SHA-256 of the message without its requestId, keys sorted, so field order never matters. */
export function bodyDigest(message: ClientMessage): Buffer {
  const { requestId: _key, ...body } = message;
  return hash('sha256', canonicalJson(body), 'buffer').subarray(0, bodyDigestBytes);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
