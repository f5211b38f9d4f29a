import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { EdgeLimits } from '../../shared/limits.ts';

/** A request refused by a rate limit: which one, and when the same request could pass. */
export interface RateLimitRefusal {
  limit: string;
  retryAfterMs: number;
  message: string;
}

/**
 * Makes a limiter of `points` per `duration` seconds (0: no window) whose keys start with
 * `keyPrefix`. In memory by default; several processes on one database share theirs there.
 */
export type LimiterFactory = (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;

export const inMemoryLimiters: LimiterFactory = (options) => new RateLimiterMemory(options);

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The per-address and per-account throttles of the public edge. Every refusal says when to retry;
 * nothing refused has been done.
 */
export class EdgeRateLimits {
  readonly #limits: EdgeLimits;
  readonly #requestsByConnection: RateLimiterAbstract;
  readonly #registrationsByAddress: RateLimiterAbstract;
  readonly #shopperSessionsByAddress: RateLimiterAbstract;
  readonly #signInFailuresByPair: RateLimiterAbstract;
  readonly #signInFailuresByUsername: RateLimiterAbstract;
  readonly #signInFailuresByAddress: RateLimiterAbstract;
  /** Keys that may act again only once their last delay has passed; the delay is set by `block`. */
  readonly #signInWaitByPair: RateLimiterAbstract;
  readonly #signInWaitByUsername: RateLimiterAbstract;
  /** Told of every refusal, by limit name (metrics). */
  readonly #onRefused: (limit: string) => void;

  /**
   * `shared` makes the limiters of addresses and accounts, which every process serving one database
   * must count together (else N processes would allow N times the sign-in guesses); the limit per
   * connection is this process's alone, in memory.
   */
  constructor(limits: EdgeLimits, onRefused: (limit: string) => void = () => {}, shared: LimiterFactory = inMemoryLimiters) {
    this.#limits = limits;
    this.#onRefused = onRefused;
    const counter = (factory: LimiterFactory, keyPrefix: string, points: number, windowMs: number) => factory({ keyPrefix, points, duration: windowMs / 1000 });
    this.#requestsByConnection = counter(inMemoryLimiters, 'requests', limits.requestsPerConnectionMax, limits.requestsPerConnectionWindowMs);
    this.#registrationsByAddress = counter(shared, 'registrations', limits.registrationsPerAddressMax, limits.registrationsWindowMs);
    this.#shopperSessionsByAddress = counter(shared, 'shopper-sessions', limits.shopperSessionsPerAddressMax, limits.shopperSessionsWindowMs);
    // Failures are counted with penalty() and compared by hand, so these never refuse by themselves.
    const failureWindowMs = limits.signInFailuresWindowMs;
    const uncounted = 2 ** 31 - 1;
    this.#signInFailuresByPair = counter(shared, 'sign-in-failures-pair', uncounted, failureWindowMs);
    this.#signInFailuresByUsername = counter(shared, 'sign-in-failures-username', uncounted, failureWindowMs);
    this.#signInFailuresByAddress = counter(shared, 'sign-in-failures-address', uncounted, failureWindowMs);
    this.#signInWaitByPair = counter(shared, 'sign-in-wait-pair', 1, 0);
    this.#signInWaitByUsername = counter(shared, 'sign-in-wait-username', 1, 0);
  }

  /** One request on one connection. */
  async takeRequest(connectionId: number): Promise<RateLimitRefusal | null> {
    const { requestsPerConnectionMax, requestsPerConnectionWindowMs } = this.#limits;
    return this.#take(this.#requestsByConnection, String(connectionId), 'requestsPerConnection',
      `More than ${requestsPerConnectionMax} requests in ${requestsPerConnectionWindowMs} ms on this connection`);
  }

  takeRegistration(address: string): Promise<RateLimitRefusal | null> {
    const { registrationsPerAddressMax, registrationsWindowMs } = this.#limits;
    return this.#take(this.#registrationsByAddress, address, 'registrationsPerAddress',
      `More than ${registrationsPerAddressMax} registrations from this address in ${registrationsWindowMs / 60_000} minutes`);
  }

  takeShopperSession(address: string): Promise<RateLimitRefusal | null> {
    const { shopperSessionsPerAddressMax, shopperSessionsWindowMs } = this.#limits;
    return this.#take(this.#shopperSessionsByAddress, address, 'shopperSessionsPerAddress',
      `More than ${shopperSessionsPerAddressMax} shopper sessions from this address in ${shopperSessionsWindowMs / 60_000} minutes`);
  }

  /** Before a sign-in's password is checked: refused while this username or address must wait. */
  async checkSignIn(username: string, address: string): Promise<RateLimitRefusal | null> {
    const limits = this.#limits;
    const pair = pairKey(username, address);
    const byAddress = await this.#signInFailuresByAddress.get(address);
    if (byAddress !== null && byAddress.consumedPoints >= limits.signInFailuresPerAddressMax) {
      return this.#refuse('signInFailuresPerAddress', byAddress.msBeforeNext,
        `More than ${limits.signInFailuresPerAddressMax} failed sign-ins from this address`);
    }
    const byPair = await this.#signInFailuresByPair.get(pair);
    if (byPair !== null && byPair.consumedPoints >= limits.signInFailuresPerUsernameAndAddressMax) {
      return this.#refuse('signInFailuresPerUsernameAndAddress', byPair.msBeforeNext,
        `${limits.signInFailuresPerUsernameAndAddressMax} failed sign-ins for this username from this address`);
    }
    for (const [wait, key] of [[this.#signInWaitByPair, pair], [this.#signInWaitByUsername, username]] as const) {
      const blocked = await wait.get(key);
      if (blocked !== null && blocked.msBeforeNext > 0) {
        return this.#refuse('signInDelay', blocked.msBeforeNext, 'Too many failed sign-ins for this username; each one makes the next wait longer');
      }
    }
    return null;
  }

  async signInFailed(username: string, address: string): Promise<void> {
    const limits = this.#limits;
    const pair = pairKey(username, address);
    const [byPair, byUsername] = await Promise.all([
      this.#signInFailuresByPair.penalty(pair, 1),
      this.#signInFailuresByUsername.penalty(username, 1),
      this.#signInFailuresByAddress.penalty(address, 1),
    ]);
    if (byPair.consumedPoints > limits.signInFailuresFreeMax) {
      await this.#signInWaitByPair.block(pair, growingDelayMs(byPair.consumedPoints - limits.signInFailuresFreeMax, limits) / 1000);
    }
    if (byUsername.consumedPoints > limits.signInFailuresPerUsernameFreeMax) {
      await this.#signInWaitByUsername.block(username, growingDelayMs(byUsername.consumedPoints - limits.signInFailuresPerUsernameFreeMax, limits) / 1000);
    }
  }

  /** The right password from this address clears what this pair's failures built up. */
  async signInSucceeded(username: string, address: string): Promise<void> {
    const pair = pairKey(username, address);
    await Promise.all([this.#signInFailuresByPair.delete(pair), this.#signInWaitByPair.delete(pair)]);
  }

  async #take(limiter: RateLimiterAbstract, key: string, limit: string, what: string): Promise<RateLimitRefusal | null> {
    try {
      await limiter.consume(key);
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return this.#refuse(limit, rejection.msBeforeNext, what);
    }
  }

  #refuse(limit: string, retryAfterMs: number, what: string): RateLimitRefusal {
    this.#onRefused(limit);
    const wait = Math.max(0, Math.ceil(retryAfterMs));
    return { limit, retryAfterMs: wait, message: `${what}; nothing was done. Try again in ${seconds(wait)} s.` };
  }
}

/** The nth failure past the free ones waits initial × 2^(n-1), at most the maximum. */
export function growingDelayMs(failuresPastFree: number, limits: Pick<EdgeLimits, 'signInDelayInitialMs' | 'signInDelayMaxMs'>): number {
  return Math.min(limits.signInDelayMaxMs, limits.signInDelayInitialMs * 2 ** Math.min(30, failuresPastFree - 1));
}

const pairKey = (username: string, address: string) => `${username}\n${address}`;
