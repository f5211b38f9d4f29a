import { describe, expect, it } from 'vitest';
import { reconnectDelayInitialMs, reconnectDelayMaxMs } from '../limits.ts';
import { reconnectBaseDelayMs, reconnectDelayMs, reconnectJitterRatio } from './backoff.ts';

describe('reconnect backoff', () => {
  it('starts at reconnectDelayInitialMs and doubles up to reconnectDelayMaxMs', () => {
    const schedule = Array.from({ length: 8 }, (_, attempt) => reconnectBaseDelayMs(attempt));
    expect(reconnectDelayInitialMs).toBe(250);
    expect(reconnectDelayMaxMs).toBe(5_000);
    expect(schedule).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('stays at the cap however many attempts failed', () => {
    expect(reconnectBaseDelayMs(1_000)).toBe(reconnectDelayMaxMs);
    expect(reconnectBaseDelayMs(Number.MAX_SAFE_INTEGER)).toBe(reconnectDelayMaxMs);
  });

  it('jitters each delay between (1 - reconnectJitterRatio) and 1 times its base', () => {
    for (const attempt of [0, 3, 9]) {
      const baseMs = reconnectBaseDelayMs(attempt);
      expect(reconnectDelayMs(attempt, 0)).toBe(Math.round(baseMs * (1 - reconnectJitterRatio)));
      expect(reconnectDelayMs(attempt, 0.999_999)).toBe(baseMs);
      const middle = reconnectDelayMs(attempt, 0.5);
      expect(middle).toBeGreaterThan(baseMs * (1 - reconnectJitterRatio));
      expect(middle).toBeLessThan(baseMs);
    }
  });

  it('refuses an attempt number that is not a whole number ≥ 0', () => {
    expect(() => reconnectBaseDelayMs(-1)).toThrow(RangeError);
    expect(() => reconnectBaseDelayMs(1.5)).toThrow(RangeError);
  });
});
