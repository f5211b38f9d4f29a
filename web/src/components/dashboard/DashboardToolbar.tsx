import { useEffect, useState } from 'react';
import { dashboardRangesSeconds } from '../../state/dashboard-slice.ts';
import { useTally } from '../../state/use-tally.ts';
import { dashboardClockIntervalMs, dashboardStaleAfterMs, rangeLabels } from './dashboard-data.ts';

function useNowMs(intervalMs: number): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return nowMs;
}

function updatedLabel(updatedAtMs: number | null, nowMs: number): string {
  if (updatedAtMs === null) return 'No data yet';
  const ageSeconds = Math.max(0, Math.floor((nowMs - updatedAtMs) / 1000));
  return `Updated ${ageSeconds} s ago`;
}

/**
 * Live or stale, and how long ago the last second arrived. Only the live/stale marker is a (polite)
 * live region, and its text changes only when the state does; the age ticks silently.
 */
function Freshness() {
  const updatedAtMs = useTally((state) => state.dashboardUpdatedAtMs);
  const online = useTally((state) => state.connectionStatus === 'online');
  const nowMs = useNowMs(dashboardClockIntervalMs);
  const stale = !online || updatedAtMs === null || nowMs - updatedAtMs > dashboardStaleAfterMs;
  return (
    <div className="dashboard-freshness">
      <p role="status" aria-live="polite" className="dashboard-freshness__marker">
        {stale ? (
          <span className="dashboard-badge dashboard-badge--stale" data-testid="dashboard-stale">
            Stale — not live
          </span>
        ) : (
          <span className="dashboard-badge dashboard-badge--live" data-testid="dashboard-live">
            Live
          </span>
        )}
      </p>
      <p className="dashboard-freshness__age" data-testid="dashboard-updated">
        {updatedLabel(updatedAtMs, nowMs)}
      </p>
    </div>
  );
}

function RangeSelector() {
  const selected = useTally((state) => state.dashboardRangeSeconds);
  const setRange = useTally((state) => state.setDashboardRange);
  return (
    <div role="group" aria-label="Time range" className="dashboard-range">
      {dashboardRangesSeconds.map((rangeSeconds) => (
        <button
          key={rangeSeconds}
          type="button"
          className="dashboard-range__option"
          aria-pressed={rangeSeconds === selected}
          onClick={() => setRange(rangeSeconds)}
        >
          {rangeLabels[rangeSeconds].short}
        </button>
      ))}
    </div>
  );
}

export function DashboardToolbar() {
  return (
    <div className="dashboard-toolbar">
      <Freshness />
      <RangeSelector />
    </div>
  );
}
