import { formatCents } from '../../../../shared/money.ts';
import type { DashboardSecond } from '../../../../shared/protocol.ts';
import { racesLostBy, secondsInRange, type DashboardRangeSeconds } from '../../state/dashboard-slice.ts';
import type { TallyState } from '../../state/store.ts';

/** With no frame for longer than this (frames come every second), the dashboard says it is stale. */
export const dashboardStaleAfterMs = 3_000;

/** How often "updated N s ago" and the stale check are re-evaluated. */
export const dashboardClockIntervalMs = 1_000;

/**
 * Chart colours, each at least 4.5:1 against white (the charts' background), from the app's palette.
 * Canvas is not text to an accessibility checker, but people read these lines on a wall screen.
 */
export const chartColors = {
  ok: '#15803d',
  refused: '#b42318',
  money: '#3730a3',
  moneyRefused: '#9d174d',
  deposits: '#0f766e',
  loans: '#b45309',
  commits: '#0f766e',
  perCommit: '#3730a3',
  p50: '#0f766e',
  p99: '#b42318',
  stock: '#0f766e',
  soldOut: '#b42318',
  axis: '#5f6b66',
  grid: '#ece8df',
} as const;

export const rangeLabels: Readonly<Record<DashboardRangeSeconds, { short: string; long: string }>> = {
  60: { short: '1 min', long: 'the last minute' },
  300: { short: '5 min', long: 'the last 5 minutes' },
  900: { short: '15 min', long: 'the last 15 minutes' },
};

/** Seconds further apart than this are drawn with a break between them (the tab or the server was away). */
export const gapSecondsMin = dashboardStaleAfterMs / 1000;

/** The time column and `columns`, with a row of nulls wherever seconds are missing, so lines do not bridge a gap. */
export function breakAtGaps(seconds: readonly DashboardSecond[], columns: Array<Array<number | null>>): [number[], ...Array<Array<number | null>>] {
  const times: number[] = [];
  const broken: Array<Array<number | null>> = columns.map(() => []);
  seconds.forEach((second, index) => {
    const atSeconds = second.at / 1000;
    const previous = times[times.length - 1];
    if (previous !== undefined && atSeconds - previous > gapSecondsMin) {
      times.push(previous + 1);
      for (const column of broken) column.push(null);
    }
    times.push(atSeconds);
    columns.forEach((column, columnIndex) => broken[columnIndex]!.push(column[index] ?? null));
  });
  return [times, ...broken];
}

export function latestSecond(state: Pick<TallyState, 'dashboardSeconds'>): DashboardSecond | undefined {
  return state.dashboardSeconds[state.dashboardSeconds.length - 1];
}

let visibleMemo: { seconds: readonly DashboardSecond[]; rangeSeconds: number; visible: readonly DashboardSecond[] } | null = null;

/** The seconds of the selected range; the same array while neither changes, so selectors and charts can compare it. */
export function visibleSeconds(state: Pick<TallyState, 'dashboardSeconds' | 'dashboardRangeSeconds'>): readonly DashboardSecond[] {
  if (visibleMemo?.seconds !== state.dashboardSeconds || visibleMemo.rangeSeconds !== state.dashboardRangeSeconds) {
    const visible = secondsInRange(state.dashboardSeconds, state.dashboardRangeSeconds);
    visibleMemo = { seconds: state.dashboardSeconds, rangeSeconds: state.dashboardRangeSeconds, visible };
  }
  return visibleMemo.visible;
}

let racesMemo: { visible: readonly DashboardSecond[]; totals: Readonly<Record<string, number>>; total: number } | null = null;

/** Checkouts lost to another shopper over the selected range, by product id, and their sum. */
export function racesLostInView(state: Pick<TallyState, 'dashboardSeconds' | 'dashboardRangeSeconds'>): { totals: Readonly<Record<string, number>>; total: number } {
  const visible = visibleSeconds(state);
  if (racesMemo?.visible !== visible) {
    const totals = racesLostBy(visible);
    racesMemo = { visible, totals, total: sumCounts(totals) };
  }
  return racesMemo;
}

export function sumCounts(counts: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const count of Object.values(counts)) total += count;
  return total;
}

/** Operations per durable commit in a second; null when nothing was committed. */
export function operationsPerCommit(second: Pick<DashboardSecond, 'commits' | 'operationsCommitted'>): number | null {
  return second.commits === 0 ? null : second.operationsCommitted / second.commits;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toFixed(1);
}

const compactDollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

/** Axis ticks only (the scale's splits need not be whole cents); every shown amount goes through formatCents. */
export function compactCentsTick(cents: number): string {
  return compactDollars.format(cents / 100);
}

/** Exact amounts for people, rounded to whole cents (a chart's text alternative). */
export function centsLabel(cents: number | null | undefined): string {
  return cents === null || cents === undefined ? '—' : formatCents(Math.round(cents));
}

const clockFormat = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function clockLabel(atMs: number): string {
  return clockFormat.format(new Date(atMs));
}
