import { describe, expect, it } from 'vitest';
import type { DashboardSecond } from '../../../../shared/protocol.ts';
import { breakAtGaps, operationsPerCommit, racesLostInView, visibleSeconds } from './dashboard-data.ts';

const startMs = 1_700_000_000_000;

function second(index: number, racesLost: Record<string, number> = {}): DashboardSecond {
  return {
    at: startMs + index * 1000,
    seq: index,
    orders: { ok: 0, refused: {} },
    money: { ok: 0, refused: {} },
    commits: 0,
    operationsCommitted: 0,
    replies: 0,
    replyLatencyP50Ms: null,
    replyLatencyP99Ms: null,
    stock: {},
    soldOut: [],
    racesLost,
    totalDepositsCents: 0,
    totalLoansOwedCents: 0,
    presence: { shoppers: 0, customers: 0, auditors: 0, observers: 0 },
  };
}

describe('dashboard chart data', () => {
  it('breaks lines where seconds are missing, and only there', () => {
    const seconds = [second(1), second(2), second(10), second(11)];
    const [times, values] = breakAtGaps(seconds, [[1, 2, 10, 11]]);
    expect(times.map((atSeconds) => atSeconds - startMs / 1000)).toEqual([1, 2, 3, 10, 11]);
    expect(values).toEqual([1, 2, null, 10, 11]);
  });

  it('keeps the same visible seconds and race totals while neither the seconds nor the range change', () => {
    const dashboardSeconds = Array.from({ length: 100 }, (_, index) => second(index, index % 10 === 0 ? { '2': 1 } : {}));
    const state = { dashboardSeconds, dashboardRangeSeconds: 60 as const };
    const visible = visibleSeconds(state);
    expect(visible).toHaveLength(60);
    expect(visibleSeconds({ ...state })).toBe(visible);
    expect(racesLostInView(state)).toMatchObject({ totals: { '2': 6 }, total: 6 });
    expect(racesLostInView({ ...state })).toBe(racesLostInView(state));
    expect(racesLostInView({ ...state, dashboardRangeSeconds: 300 }).total).toBe(10);
  });

  it('counts operations per commit only when something was committed', () => {
    expect(operationsPerCommit({ commits: 0, operationsCommitted: 0 })).toBeNull();
    expect(operationsPerCommit({ commits: 4, operationsCommitted: 10 })).toBe(2.5);
  });
});
