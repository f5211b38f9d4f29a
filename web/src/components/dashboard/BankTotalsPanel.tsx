import { formatCents } from '../../../../shared/money.ts';
import { useTally } from '../../state/use-tally.ts';
import { centsLabel, chartColors, compactCentsTick, latestSecond } from './dashboard-data.ts';
import { DashboardStat } from './DashboardStat.tsx';
import { TimeChart, type ChartColumns, type ChartDescription, type ChartLine, type ChartScale } from './TimeChart.tsx';

const totalLines: readonly ChartLine[] = [
  { label: 'Total deposits (left axis)', color: chartColors.deposits, scale: 'deposits' },
  { label: 'Loans owed (right axis)', color: chartColors.loans, scale: 'loans', dash: [6, 4] },
];

const totalScales: readonly ChartScale[] = [
  { key: 'deposits', side: 'left', tick: compactCentsTick },
  { key: 'loans', side: 'right', tick: compactCentsTick },
];

const totalColumns: ChartColumns = (seconds) => [seconds.map((second) => second.totalDepositsCents), seconds.map((second) => second.totalLoansOwedCents)];

const totalDescription: ChartDescription = (seconds, rangeLong) => {
  const first = seconds[0];
  const latest = seconds[seconds.length - 1];
  if (first === undefined || latest === undefined) return 'No bank totals yet.';
  return (
    `Now ${centsLabel(latest.totalDepositsCents)} in deposits and ${centsLabel(latest.totalLoansOwedCents)} in loans owed; ` +
    `at the start of ${rangeLong} ${centsLabel(first.totalDepositsCents)} and ${centsLabel(first.totalLoansOwedCents)}.`
  );
};

export function BankTotalsPanel() {
  const depositsCents = useTally((state) => latestSecond(state)?.totalDepositsCents ?? null);
  const loansCents = useTally((state) => latestSecond(state)?.totalLoansOwedCents ?? null);
  return (
    <section className="panel dashboard-panel dashboard-bank" aria-labelledby="dashboard-bank-title">
      <h2 id="dashboard-bank-title" className="dashboard-panel__title">
        Bank totals
      </h2>
      <dl className="dashboard-stats dashboard-stats--wide">
        <DashboardStat label="Total deposits" testId="dashboard-total-deposits">
          {depositsCents === null ? '…' : formatCents(depositsCents)}
        </DashboardStat>
        <DashboardStat label="Loans owed" testId="dashboard-loans-owed">
          {loansCents === null ? '…' : formatCents(loansCents)}
        </DashboardStat>
      </dl>
      <TimeChart label="Total deposits and loans owed over time" heightPx={180} lines={totalLines} scales={totalScales} columns={totalColumns} describe={totalDescription} />
    </section>
  );
}
