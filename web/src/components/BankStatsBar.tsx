import { useId } from 'react';
import { formatCents } from '../../../shared/money.ts';
import { useTally } from '../state/use-tally.ts';
import { rateLabel } from './bank/bank-labels.ts';
import { NamedValue } from './NamedValue.tsx';

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
            <NamedValue key={key} id={`${id}-${key}`} className="bank-stats__item" label={label}>
              {value}
            </NamedValue>
          ))}
        </dl>
      </div>
    </section>
  );
}
