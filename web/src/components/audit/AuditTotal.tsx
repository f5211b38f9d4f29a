import { useId } from 'react';
import { formatCents } from '../../../../shared/money.ts';
import { useTally } from '../../state/use-tally.ts';
import { useOnline } from '../OfflineNotice.tsx';

/**
 * The sum of every checking and savings balance in this tab's live account map. Each `changes`
 * frame holds whole commits and is applied in one update, so a transfer (which moves money between
 * deposit accounts) can never show here as half done: the number only moves when money enters or
 * leaves the bank. While the tab is not online no commits arrive, so the number is marked stale.
 */
export function AuditTotal() {
  const totalCents = useTally((state) => state.depositsTotalCents);
  const loaded = useTally((state) => state.holdersLoaded);
  const accountCount = useTally((state) => state.accountNumbers.length);
  const online = useOnline();
  const id = useId();
  const accounts = `${accountCount} ${accountCount === 1 ? 'account' : 'accounts'}`;
  return (
    <section className="panel metric" aria-labelledby={`${id}-title`}>
      <div className="metric__header">
        <h2 id={`${id}-title`} className="metric__title">
          Total of all balances
        </h2>
        {online ? <span className="pill pill--live">Live</span> : <span className="pill pill--stale">Stale: offline</span>}
      </div>
      <p
        className={online ? 'metric__value' : 'metric__value metric__value--stale'}
        data-testid="audit-total-deposits"
        aria-busy={!loaded}
        aria-describedby={`${id}-note`}
      >
        {loaded ? formatCents(totalCents) : '…'}
      </p>
      <p id={`${id}-note`} className="metric__note">
        {online
          ? `Checking and savings over ${accounts}, live. Transfers never change it.`
          : `The last total this tab saw, over ${accounts}; it may be out of date until Tally reconnects.`}
      </p>
    </section>
  );
}
