import { useTally } from '../../state/use-tally.ts';
import { chartColors, latestSecond, sumCounts } from './dashboard-data.ts';
import { DashboardStat } from './DashboardStat.tsx';
import { TimeChart, type ChartColumns, type ChartDescription, type ChartLine } from './TimeChart.tsx';

type Flow = 'orders' | 'money';

const orderLines: readonly ChartLine[] = [
  { label: 'Orders OK', color: chartColors.ok, fill: true },
  { label: 'Orders refused', color: chartColors.refused },
];

const moneyLines: readonly ChartLine[] = [
  { label: 'Money operations OK', color: chartColors.money, fill: true },
  { label: 'Money operations refused', color: chartColors.moneyRefused },
];

function flowColumns(flow: Flow): ChartColumns {
  return (seconds) => [seconds.map((second) => second[flow].ok), seconds.map((second) => sumCounts(second[flow].refused))];
}

function flowDescription(flow: Flow, noun: string): ChartDescription {
  return (seconds, rangeLong) => {
    const latest = seconds[seconds.length - 1];
    if (latest === undefined) return `No ${noun} data yet.`;
    const ok = seconds.reduce((total, second) => total + second[flow].ok, 0);
    const refused = seconds.reduce((total, second) => total + sumCounts(second[flow].refused), 0);
    return `In the latest second ${latest[flow].ok} ${noun} OK and ${sumCounts(latest[flow].refused)} refused; over ${rangeLong} ${ok} OK and ${refused} refused.`;
  };
}

const orderColumns = flowColumns('orders');
const moneyColumns = flowColumns('money');
const orderDescription = flowDescription('orders', 'orders');
const moneyDescription = flowDescription('money', 'money operations');

function LatestFlow({ flow }: { flow: Flow }) {
  const ok = useTally((state) => latestSecond(state)?.[flow].ok ?? null);
  const refused = useTally((state) => {
    const latest = latestSecond(state);
    return latest === undefined ? null : sumCounts(latest[flow].refused);
  });
  return (
    <dl className="dashboard-stats dashboard-stats--inline">
      <DashboardStat label="OK /s" testId={`dashboard-${flow}-ok`}>
        {ok ?? '…'}
      </DashboardStat>
      <DashboardStat label="Refused /s" testId={`dashboard-${flow}-refused`} tone={refused !== null && refused > 0 ? 'bad' : undefined}>
        {refused ?? '…'}
      </DashboardStat>
    </dl>
  );
}

export function ThroughputPanel() {
  return (
    <section className="panel dashboard-panel" aria-labelledby="dashboard-throughput-title">
      <h2 id="dashboard-throughput-title" className="dashboard-panel__title">
        Orders and money operations
      </h2>
      <div className="dashboard-chart-block">
        <div className="dashboard-chart-block__head">
          <h3>Orders per second</h3>
          <LatestFlow flow="orders" />
        </div>
        <TimeChart label="Orders per second, OK and refused" heightPx={170} lines={orderLines} columns={orderColumns} describe={orderDescription} />
      </div>
      <div className="dashboard-chart-block">
        <div className="dashboard-chart-block__head">
          <h3>Money operations per second</h3>
          <LatestFlow flow="money" />
        </div>
        <TimeChart label="Money operations per second, OK and refused" heightPx={170} lines={moneyLines} columns={moneyColumns} describe={moneyDescription} />
      </div>
    </section>
  );
}
