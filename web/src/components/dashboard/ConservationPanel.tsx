import { useShallow } from 'zustand/react/shallow';
import { formatCents } from '../../../../shared/money.ts';
import { useTally } from '../../state/use-tally.ts';
import { latestSecond } from './dashboard-data.ts';

function ConservationRow({ title, actualCents, expectedCents, testIdPrefix }: { title: string; actualCents: number; expectedCents: number; testIdPrefix: string }) {
  const differenceCents = actualCents - expectedCents;
  const ok = differenceCents === 0;
  return (
    <div className={ok ? 'conservation__row conservation__row--ok' : 'conservation__row conservation__row--mismatch'}>
      <h3 className="conservation__title">
        {title}
        <span className="conservation__verdict" data-testid={`${testIdPrefix}-verdict`}>
          {ok ? 'OK' : 'MISMATCH'}
        </span>
      </h3>
      <dl className="conservation__values">
        <div>
          <dt>Actual</dt>
          <dd data-testid={`${testIdPrefix}-actual`}>{formatCents(actualCents)}</dd>
        </div>
        <div>
          <dt>Expected</dt>
          <dd data-testid={`${testIdPrefix}-expected`}>{formatCents(expectedCents)}</dd>
        </div>
        <div>
          <dt>Difference</dt>
          <dd data-testid={`${testIdPrefix}-difference`}>{ok ? 'none' : formatCents(differenceCents)}</dd>
        </div>
      </dl>
    </div>
  );
}

/**
 * The auditor's check, every second: balances as stored against what the ledger's movements say
 * they must be. Shown only when the server sent it (to the auditor's tab).
 */
export function ConservationPanel() {
  const conservation = useTally(useShallow((state) => latestSecond(state)?.conservation ?? null));
  if (conservation === null) return null;
  return (
    <section className="panel dashboard-panel conservation" aria-labelledby="dashboard-conservation-title" data-testid="conservation">
      <h2 id="dashboard-conservation-title" className="dashboard-panel__title">
        Conservation of money
      </h2>
      <p className="dashboard-panel__note">Auditor only. Stored balances against the ledger&rsquo;s movements, checked every second.</p>
      <ConservationRow title="Deposits" actualCents={conservation.depositsActualCents} expectedCents={conservation.depositsExpectedCents} testIdPrefix="conservation" />
      <ConservationRow title="Loans owed" actualCents={conservation.loansActualCents} expectedCents={conservation.loansExpectedCents} testIdPrefix="conservation-loans" />
    </section>
  );
}
