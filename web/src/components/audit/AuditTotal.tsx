import { useId } from 'react';
import { formatCents } from '../../../../shared/money.ts';
import { useTally } from '../../state/use-tally.ts';

/**
 * The sum of every checking and savings balance in this tab's live account map. Each `changes`
 * frame holds whole commits and is applied in one update, so a transfer (which moves money between
 * deposit accounts) can never show here as half done: the number only moves when money enters or
 * leaves the bank.
 */
export function AuditTotal() {
  const totalCents = useTally((state) => state.depositsTotalCents);
  const loaded = useTally((state) => state.holdersLoaded);
  const accountCount = useTally((state) => state.accountNumbers.length);
  const id = useId();
  return (
    <section className="panel metric" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="metric__title">
        Total of all balances
      </h2>
      <p className="metric__value" data-testid="audit-total-deposits" aria-busy={!loaded}>
        {loaded ? formatCents(totalCents) : '…'}
      </p>
      <p className="metric__note">
        Checking and savings over {accountCount} {accountCount === 1 ? 'account' : 'accounts'}, live. Transfers never change it.
      </p>
    </section>
  );
}
