import { useId } from 'react';
import { formatCents } from '../../../shared/money.ts';
import { useTally } from '../state/use-tally.ts';
import { rateLabel } from './bank/bank-labels.ts';

/** The bank's totals and operation rate, from `welcome` and `stats`: for everyone, on every page. */
export function BankStatsBar() {
  const stats = useTally((state) => state.bankStats);
  const id = useId();
  const items = [
    ['deposits', 'Total deposits', stats === null ? '…' : formatCents(stats.totalDepositsCents)],
    ['loans', 'Loans owed', stats === null ? '…' : formatCents(stats.totalLoansOwedCents)],
    ['rate', 'Operations per second', stats === null ? '…' : rateLabel(stats.operationsPerSecond)],
  ] as const;
  return (
    <section className="bank-stats" aria-label="Bank totals">
      <div className="bank-stats__inner">
        <span className="bank-stats__title" aria-hidden="true">
          🏦 Tally Bank
        </span>
        <dl className="bank-stats__list">
          {items.map(([key, label, value]) => (
            <div key={key} className="bank-stats__item">
              <dt id={`${id}-${key}`}>{label}</dt>
              <dd>
                {/* Named for finding by role; not announced: it changes every second while the bank is busy. */}
                <span role="status" aria-live="off" aria-labelledby={`${id}-${key}`}>
                  {value}
                </span>
              </dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
