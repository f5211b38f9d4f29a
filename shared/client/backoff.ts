import { reconnectDelayInitialMs, reconnectDelayMaxMs } from '../limits.ts';

/**
 * Share of each reconnect delay that is random, so tabs dropped together by a server restart do not
 * all come back in the same millisecond: a delay is between (1 - ratio) and 1 times its base.
 */
export const reconnectJitterRatio = 0.5;

/** The base delay before reconnect attempt `attempt` (0 for the first): doubling, capped. */
export function reconnectBaseDelayMs(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a whole number ≥ 0, got ${attempt}`);
  // Past 2^5 the cap has long been reached; bounding the exponent keeps the arithmetic finite.
  const doubled = reconnectDelayInitialMs * 2 ** Math.min(attempt, 30);
  return Math.min(reconnectDelayMaxMs, doubled);
}

/** The delay to wait, with jitter; `random` is in [0, 1) like Math.random. */
export function reconnectDelayMs(attempt: number, random: number): number {
  const baseMs = reconnectBaseDelayMs(attempt);
  const jitterMs = baseMs * reconnectJitterRatio * (1 - random);
  return Math.round(baseMs - jitterMs);
}
