import type { IncomingMessage } from 'node:http';
import type { EdgeLimits } from '../../shared/limits.ts';
import { type TrustedProxies, clientAddress } from './client-address.ts';

export type Admission =
  | { admitted: true; address: string }
  | { admitted: false; status: 403 | 429 | 503; reason: string; retryAfterSeconds?: number; limit?: 'connectionsPerAddress' | 'connectionsTotal' };

/**
 * Who may open a WebSocket: a page of this site (or an allowed origin), from an address that holds
 * fewer than connectionsPerAddressMax, while the server holds fewer than connectionsTotalMax.
 * Decided at the HTTP upgrade, before any WebSocket state exists.
 */
export class ConnectionAdmission {
  readonly #limits: Pick<EdgeLimits, 'connectionsPerAddressMax' | 'connectionsTotalMax'>;
  readonly #allowedOrigins: ReadonlySet<string>;
  readonly #trustedProxies: TrustedProxies | undefined;
  readonly #openByAddress = new Map<string, number>();
  #openInAll = 0;

  /** `trustedProxies`: the load balancers whose X-Forwarded-For names the client (client-address.ts). */
  constructor(limits: Pick<EdgeLimits, 'connectionsPerAddressMax' | 'connectionsTotalMax'>, allowedOrigins: readonly string[], trustedProxies?: TrustedProxies) {
    this.#limits = limits;
    this.#allowedOrigins = new Set(allowedOrigins.map(normalizeOrigin));
    this.#trustedProxies = trustedProxies;
  }

  get openConnections(): number {
    return this.#openInAll;
  }

  /** Decides; an admitted connection must later be `released` exactly once. */
  decide(request: IncomingMessage): Admission {
    if (!this.#originAllowed(request.headers.origin, request.headers.host)) {
      return { admitted: false, status: 403, reason: `WebSocket connections from origin ${request.headers.origin} are not allowed` };
    }
    const address = clientAddress(request, this.#trustedProxies);
    if (this.#openInAll >= this.#limits.connectionsTotalMax) {
      return { admitted: false, status: 503, reason: `the server holds its most connections (${this.#limits.connectionsTotalMax}); try again soon`, retryAfterSeconds: 5, limit: 'connectionsTotal' };
    }
    if ((this.#openByAddress.get(address) ?? 0) >= this.#limits.connectionsPerAddressMax) {
      return { admitted: false, status: 429, reason: `too many connections from one address (at most ${this.#limits.connectionsPerAddressMax}); close some tabs`, retryAfterSeconds: 5, limit: 'connectionsPerAddress' };
    }
    return { admitted: true, address };
  }

  opened(address: string): void {
    this.#openInAll += 1;
    this.#openByAddress.set(address, (this.#openByAddress.get(address) ?? 0) + 1);
  }

  released(address: string): void {
    this.#openInAll -= 1;
    const open = (this.#openByAddress.get(address) ?? 1) - 1;
    if (open === 0) this.#openByAddress.delete(address);
    else this.#openByAddress.set(address, open);
  }

  /**
   * Browsers always send Origin with a WebSocket upgrade, and a page elsewhere cannot forge it; that
   * is what stops a foreign page from driving a signed-in tab's credentials. Programs (the terminal
   * client, scripts) send none, and hold their own credentials, so they pass.
   */
  #originAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (host !== undefined && parsed.host.toLowerCase() === host.toLowerCase()) return true;
    return this.#allowedOrigins.has(parsed.origin);
  }
}

/** `https://Example.com:443/` and `https://example.com` are one origin. */
export function normalizeOrigin(origin: string): string {
  const parsed = new URL(origin);
  if (parsed.origin === 'null') throw new RangeError(`"${origin}" is not an origin (scheme://host[:port])`);
  return parsed.origin;
}
