import { dashboardTapeEventsMax, dashboardWindowSeconds } from '../../../shared/limits.ts';
import type { Dashboard, DashboardSecond, ResultOf, TapeEvent } from '../../../shared/protocol.ts';
import type { TallySliceCreator } from './store.ts';

/** The time ranges the dashboard offers, in seconds (1, 5 and 15 minutes). */
export const dashboardRangesSeconds = [60, 300, 900] as const;
export type DashboardRangeSeconds = (typeof dashboardRangesSeconds)[number];

export interface DashboardSlice {
  /** Oldest first, one per `at`, at most dashboardWindowSeconds. */
  dashboardSeconds: readonly DashboardSecond[];
  /** The newest tape events received, oldest first, at most dashboardTapeEventsMax. */
  dashboardTapeLatest: readonly TapeEvent[];
  /** The tape on screen: `dashboardTapeLatest` while live, frozen while paused. */
  dashboardTapeShown: readonly TapeEvent[];
  dashboardTapePaused: boolean;
  /** Events received while paused, shown once resumed (the newest dashboardTapeEventsMax of them). */
  dashboardTapeHeldCount: number;
  dashboardRangeSeconds: DashboardRangeSeconds;
  /** This tab's clock (ms) when the last window or frame (a second's, or tape events only) arrived; null before any. */
  dashboardUpdatedAtMs: number | null;
  /** Dashboard pages mounted; the tab watches while this is above zero. */
  dashboardWatchers: number;
  applyDashboardWindow: (window: ResultOf<'dashboard.watch'>, receivedAtMs: number) => void;
  applyDashboardFrame: (frame: Dashboard, receivedAtMs: number) => void;
  setDashboardTapePaused: (paused: boolean) => void;
  setDashboardRange: (rangeSeconds: DashboardRangeSeconds) => void;
  dashboardPageOpened: () => void;
  dashboardPageClosed: () => void;
}

/**
 * Seconds merged by `at` (an incoming second replaces a held one with the same `at`), oldest
 * first, the newest `limit` kept. A frame that is simply the next second is appended without a sort.
 */
export function mergeSeconds(
  held: readonly DashboardSecond[],
  incoming: readonly DashboardSecond[],
  limit: number = dashboardWindowSeconds,
): readonly DashboardSecond[] {
  if (incoming.length === 0) return held;
  const newestHeld = held[held.length - 1];
  const first = incoming[0]!;
  if (incoming.length === 1 && (newestHeld === undefined || first.at > newestHeld.at)) {
    return boundNewest([...held, first], limit);
  }
  const byAt = new Map<number, DashboardSecond>();
  for (const second of held) byAt.set(second.at, second);
  for (const second of incoming) byAt.set(second.at, second);
  const merged = [...byAt.values()].sort((a, b) => a.at - b.at);
  return boundNewest(merged, limit);
}

/** Events newer than the newest held (by `id`) appended in `id` order, the newest `limit` kept. */
export function appendTape(held: readonly TapeEvent[], incoming: readonly TapeEvent[], limit: number = dashboardTapeEventsMax): readonly TapeEvent[] {
  const newestId = held[held.length - 1]?.id ?? 0;
  const fresh = incoming.filter((event) => event.id > newestId).sort((a, b) => a.id - b.id);
  if (fresh.length === 0) return held;
  return boundNewest([...held, ...fresh], limit);
}

/** The seconds that ended within `rangeSeconds` of the newest one. */
export function secondsInRange(seconds: readonly DashboardSecond[], rangeSeconds: number): readonly DashboardSecond[] {
  const newest = seconds[seconds.length - 1];
  if (newest === undefined) return seconds;
  const fromAtMs = newest.at - rangeSeconds * 1000;
  let start = seconds.length - 1;
  while (start > 0 && seconds[start - 1]!.at > fromAtMs) start -= 1;
  return start === 0 ? seconds : seconds.slice(start);
}

/** Checkouts lost to another shopper, by product id, summed over `seconds`. */
export function racesLostBy(seconds: readonly DashboardSecond[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const second of seconds) {
    for (const [productId, count] of Object.entries(second.racesLost)) totals[productId] = (totals[productId] ?? 0) + count;
  }
  return totals;
}

function boundNewest<Item>(items: Item[], limit: number): Item[] {
  return items.length > limit ? items.slice(items.length - limit) : items;
}

function countNotIn(events: readonly TapeEvent[], shown: readonly TapeEvent[]): number {
  const shownIds = new Set(shown.map((event) => event.id));
  return events.filter((event) => !shownIds.has(event.id)).length;
}

export const createDashboardSlice: TallySliceCreator<DashboardSlice> = (set, get) => ({
  dashboardSeconds: [],
  dashboardTapeLatest: [],
  dashboardTapeShown: [],
  dashboardTapePaused: false,
  dashboardTapeHeldCount: 0,
  dashboardRangeSeconds: 300,
  dashboardUpdatedAtMs: null,
  dashboardWatchers: 0,
  // The server's tape replaces ours: its ids start again from 1 when it restarts.
  applyDashboardWindow: (window, receivedAtMs) => {
    const state = get();
    const latest = boundNewest([...window.tape].sort((a, b) => a.id - b.id), dashboardTapeEventsMax);
    set({
      dashboardSeconds: mergeSeconds(state.dashboardSeconds, window.seconds),
      dashboardTapeLatest: latest,
      ...(state.dashboardTapePaused
        ? { dashboardTapeHeldCount: Math.max(state.dashboardTapeHeldCount, countNotIn(latest, state.dashboardTapeShown)) }
        : { dashboardTapeShown: latest }),
      dashboardUpdatedAtMs: receivedAtMs,
    });
  },
  applyDashboardFrame: (frame, receivedAtMs) => {
    const state = get();
    const newestId = state.dashboardTapeLatest[state.dashboardTapeLatest.length - 1]?.id ?? 0;
    const freshCount = frame.tape.filter((event) => event.id > newestId).length;
    const latest = appendTape(state.dashboardTapeLatest, frame.tape);
    set({
      // A frame between seconds brings only tape events (its `second` is null).
      dashboardSeconds: frame.second === null ? state.dashboardSeconds : mergeSeconds(state.dashboardSeconds, [frame.second]),
      dashboardTapeLatest: latest,
      ...(state.dashboardTapePaused
        ? { dashboardTapeHeldCount: state.dashboardTapeHeldCount + freshCount }
        : { dashboardTapeShown: latest }),
      dashboardUpdatedAtMs: receivedAtMs,
    });
  },
  setDashboardTapePaused: (paused) => {
    if (paused === get().dashboardTapePaused) return;
    if (paused) set({ dashboardTapePaused: true, dashboardTapeHeldCount: 0 });
    else set({ dashboardTapePaused: false, dashboardTapeHeldCount: 0, dashboardTapeShown: get().dashboardTapeLatest });
  },
  setDashboardRange: (dashboardRangeSeconds) => set({ dashboardRangeSeconds }),
  dashboardPageOpened: () => set({ dashboardWatchers: get().dashboardWatchers + 1 }),
  dashboardPageClosed: () => set({ dashboardWatchers: Math.max(0, get().dashboardWatchers - 1) }),
});
