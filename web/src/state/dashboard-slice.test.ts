import { describe, expect, it } from 'vitest';
import { dashboardTapeEventsMax, dashboardWindowSeconds } from '../../../shared/limits.ts';
import type { DashboardSecond, TapeEvent } from '../../../shared/protocol.ts';
import { appendTape, mergeSeconds, racesLostBy, secondsInRange } from './dashboard-slice.ts';
import { createTallyStore } from './store.ts';

const startMs = 1_700_000_000_000;

function second(index: number, fields: Partial<DashboardSecond> = {}): DashboardSecond {
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
    stock: { '1': 10 },
    soldOut: [],
    racesLost: {},
    totalDepositsCents: 0,
    totalLoansOwedCents: 0,
    presence: { shoppers: 0, customers: 0, auditors: 0, observers: 1 },
    ...fields,
  };
}

function event(id: number): TapeEvent {
  return { id, at: startMs + id, kind: 'order', ok: true, text: `order ${id}` };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, offset) => from + offset);
const ats = (seconds: readonly DashboardSecond[]) => seconds.map((kept) => (kept.at - startMs) / 1000);
const ids = (events: readonly TapeEvent[]) => events.map((kept) => kept.id);

describe('dashboard seconds', () => {
  it('merges a window and frames by `at`, oldest first, the incoming second winning', () => {
    const held = [second(1), second(2), second(3)];
    const merged = mergeSeconds(held, [second(4), second(2, { commits: 7 }), second(0)]);
    expect(ats(merged)).toEqual([0, 1, 2, 3, 4]);
    expect(merged[2]!.commits).toBe(7);
  });

  it('appends the next second and ignores a repeated one', () => {
    const held = mergeSeconds([], [second(1), second(2)]);
    expect(ats(mergeSeconds(held, [second(3)]))).toEqual([1, 2, 3]);
    expect(ats(mergeSeconds(held, [second(2)]))).toEqual([1, 2]);
    expect(mergeSeconds(held, [])).toBe(held);
  });

  it('keeps only the newest dashboardWindowSeconds', () => {
    const full = mergeSeconds([], range(1, dashboardWindowSeconds).map((index) => second(index)));
    const next = mergeSeconds(full, [second(dashboardWindowSeconds + 1)]);
    expect(next).toHaveLength(dashboardWindowSeconds);
    expect(ats(next)[0]).toBe(2);
    expect(ats(next).at(-1)).toBe(dashboardWindowSeconds + 1);
    const bigWindow = mergeSeconds(next, range(1000, 1000 + dashboardWindowSeconds + 5).map((index) => second(index)));
    expect(bigWindow).toHaveLength(dashboardWindowSeconds);
    expect(ats(bigWindow).at(-1)).toBe(1000 + dashboardWindowSeconds + 5);
  });

  it('selects the seconds within a range of the newest, and sums races lost over them', () => {
    const seconds = range(1, 120).map((index) => second(index, { racesLost: index % 2 === 0 ? { '3': 1 } : { '4': 2 } }));
    const lastMinute = secondsInRange(seconds, 60);
    expect(ats(lastMinute)).toEqual(range(61, 120));
    expect(secondsInRange(seconds, 900)).toBe(seconds);
    expect(racesLostBy(lastMinute)).toEqual({ '3': 30, '4': 60 });
    expect(secondsInRange([], 60)).toEqual([]);
  });
});

describe('dashboard tape', () => {
  it('appends only events newer than the newest held, bounded to dashboardTapeEventsMax', () => {
    const held = appendTape([], [event(2), event(1)]);
    expect(ids(held)).toEqual([1, 2]);
    expect(appendTape(held, [event(2)])).toBe(held);
    const long = appendTape(held, range(3, dashboardTapeEventsMax + 10).map(event));
    expect(long).toHaveLength(dashboardTapeEventsMax);
    expect(ids(long).at(-1)).toBe(dashboardTapeEventsMax + 10);
  });

  it('holds new events while paused and shows them once resumed', () => {
    const store = createTallyStore();
    store.getState().applyDashboardWindow({ seconds: [second(1)], tape: [event(1), event(2)] }, 5);
    store.getState().setDashboardTapePaused(true);
    store.getState().applyDashboardFrame({ type: 'dashboard', second: second(2), tape: [event(3), event(4)], tapeOmitted: 0 }, 6);
    store.getState().applyDashboardFrame({ type: 'dashboard', second: null, tape: [event(4)], tapeOmitted: 0 }, 7);
    let state = store.getState();
    expect(ids(state.dashboardTapeShown)).toEqual([1, 2]);
    expect(state.dashboardTapeHeldCount).toBe(2);
    expect(ats(state.dashboardSeconds)).toEqual([1, 2]);
    expect(state.dashboardUpdatedAtMs).toBe(7);
    store.getState().setDashboardTapePaused(false);
    state = store.getState();
    expect(ids(state.dashboardTapeShown)).toEqual([1, 2, 3, 4]);
    expect(state.dashboardTapeHeldCount).toBe(0);
  });

  it('takes the window’s tape as it is (a restarted server numbers events from 1 again)', () => {
    const store = createTallyStore();
    store.getState().applyDashboardWindow({ seconds: [], tape: [event(50), event(51)] }, 1);
    store.getState().applyDashboardWindow({ seconds: [], tape: [event(1)] }, 2);
    store.getState().applyDashboardFrame({ type: 'dashboard', second: second(1), tape: [event(2)], tapeOmitted: 0 }, 3);
    expect(ids(store.getState().dashboardTapeShown)).toEqual([1, 2]);
  });
});

describe('dashboard watchers', () => {
  it('counts mounted pages, never below zero', () => {
    const store = createTallyStore();
    store.getState().dashboardPageOpened();
    store.getState().dashboardPageOpened();
    store.getState().dashboardPageClosed();
    expect(store.getState().dashboardWatchers).toBe(1);
    store.getState().dashboardPageClosed();
    store.getState().dashboardPageClosed();
    expect(store.getState().dashboardWatchers).toBe(0);
  });
});
