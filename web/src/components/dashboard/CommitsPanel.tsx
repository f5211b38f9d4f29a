import { useTally } from '../../state/use-tally.ts';
import { chartColors, formatLatency, formatRatio, latestSecond, operationsPerCommit } from './dashboard-data.ts';
import { DashboardStat } from './DashboardStat.tsx';
import { TimeChart, type ChartColumns, type ChartDescription, type ChartLine, type ChartScale } from './TimeChart.tsx';

const commitLines: readonly ChartLine[] = [
  { label: 'Commits per second', color: chartColors.commits, fill: true },
  { label: 'Operations per commit (right axis)', color: chartColors.perCommit, scale: 'perCommit', dash: [6, 4] },
];

const commitScales: readonly ChartScale[] = [
  { key: 'y', side: 'left', fromZero: true },
  { key: 'perCommit', side: 'right', fromZero: true },
];

const commitColumns: ChartColumns = (seconds) => [seconds.map((second) => second.commits), seconds.map(operationsPerCommit)];

const commitDescription: ChartDescription = (seconds) => {
  const latest = seconds[seconds.length - 1];
  if (latest === undefined) return 'No commit data yet.';
  return `In the latest second ${latest.commits} commits holding ${latest.operationsCommitted} operations, ${formatRatio(operationsPerCommit(latest))} per commit.`;
};

const latencyLines: readonly ChartLine[] = [
  { label: 'Reply latency p50', color: chartColors.p50 },
  { label: 'Reply latency p99', color: chartColors.p99, dash: [6, 4] },
];

function latencyTick(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

const latencyScales: readonly ChartScale[] = [{ key: 'y', side: 'left', fromZero: true, tick: latencyTick }];

const latencyColumns: ChartColumns = (seconds) => [seconds.map((second) => second.replyLatencyP50Ms), seconds.map((second) => second.replyLatencyP99Ms)];

const latencyDescription: ChartDescription = (seconds) => {
  const latest = seconds[seconds.length - 1];
  if (latest === undefined) return 'No latency data yet.';
  if (latest.replies === 0) return 'No replies in the latest second.';
  return `In the latest second ${latest.replies} replies, p50 ${formatLatency(latest.replyLatencyP50Ms)}, p99 ${formatLatency(latest.replyLatencyP99Ms)}.`;
};

function LatestCommits() {
  const commits = useTally((state) => latestSecond(state)?.commits ?? null);
  const perCommit = useTally((state) => {
    const latest = latestSecond(state);
    return latest === undefined ? null : operationsPerCommit(latest);
  });
  const p50 = useTally((state) => latestSecond(state)?.replyLatencyP50Ms);
  const p99 = useTally((state) => latestSecond(state)?.replyLatencyP99Ms);
  return (
    <dl className="dashboard-stats dashboard-stats--compact">
      <DashboardStat label="Commits /s">{commits ?? '…'}</DashboardStat>
      <DashboardStat label="Ops per commit">{formatRatio(perCommit)}</DashboardStat>
      <DashboardStat label="Latency p50">{formatLatency(p50)}</DashboardStat>
      <DashboardStat label="Latency p99">{formatLatency(p99)}</DashboardStat>
    </dl>
  );
}

/** Durable commits (one fsync each), how many operations each carried, and how fast replies went out. */
export function CommitsPanel() {
  return (
    <section className="panel dashboard-panel" aria-labelledby="dashboard-commits-title">
      <h2 id="dashboard-commits-title" className="dashboard-panel__title">
        Commits and latency
      </h2>
      <LatestCommits />
      <div className="dashboard-chart-block">
        <h3>Commit rate</h3>
        <TimeChart label="Commits per second and operations per commit" heightPx={170} lines={commitLines} scales={commitScales} columns={commitColumns} describe={commitDescription} />
      </div>
      <div className="dashboard-chart-block">
        <h3>Reply latency</h3>
        <TimeChart label="Reply latency, p50 and p99, in milliseconds" heightPx={170} lines={latencyLines} scales={latencyScales} columns={latencyColumns} describe={latencyDescription} />
      </div>
    </section>
  );
}
