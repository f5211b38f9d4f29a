import { useId } from 'react';
import type { IntegrityReport } from '../../../../shared/protocol.ts';
import { useTally } from '../../state/use-tally.ts';
import { OfflineNotice, offlineDescription, useOnline } from '../OfflineNotice.tsx';
import { useBankActions } from '../bank/bank-actions-context.ts';
import { createdAtLabel } from '../bank/bank-labels.ts';

function Report({ report }: { report: IntegrityReport }) {
  const counts = [
    ['Transactions', report.transactionsChecked],
    ['Entries', report.entriesChecked],
    ['Accounts', report.accountsChecked],
    ['At commit', report.seq],
  ] as const;
  return (
    <div className={report.ok ? 'report report--ok' : 'report report--problems'}>
      <p className="report__verdict">
        <span className="outcome__badge">{report.ok ? 'OK' : 'PROBLEMS'}</span>
        {report.ok ? 'The ledger balances.' : `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found.`}
      </p>
      <dl className="report__counts">
        {counts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {!report.ok && (
        <ul className="report__problems">
          {report.problems.map((problem, index) => (
            <li key={index}>{problem}</li>
          ))}
        </ul>
      )}
      <p className="metric__note">
        Checked <time dateTime={report.checkedAt}>{createdAtLabel(report.checkedAt)}</time>.
      </p>
    </div>
  );
}

/** audit.check on demand: every transaction balances, every balance matches its entries, none negative. */
export function IntegrityCheck() {
  const check = useTally((state) => state.integrityCheck);
  const online = useOnline();
  const actions = useBankActions();
  const id = useId();
  const report = check.status === 'idle' ? null : check.report;
  return (
    <section className="panel metric" aria-labelledby={`${id}-title`} aria-busy={check.status === 'checking'}>
      <h2 id={`${id}-title`} className="metric__title">
        Integrity check
      </h2>
      <div role="status" aria-label="Integrity report">
        {report !== null ? <Report report={report} /> : <p className="metric__note">Check the whole ledger against the rules of double entry.</p>}
      </div>
      {check.status === 'failed' && (
        <p role="alert" className="notice notice--error">
          {check.message}
        </p>
      )}
      <OfflineNotice id={`${id}-offline`} />
      <button
        type="button"
        className="button button--primary"
        disabled={!online || check.status === 'checking'}
        aria-describedby={offlineDescription(online, `${id}-offline`)}
        onClick={() => void actions.checkIntegrity()}
      >
        {check.status === 'checking' ? 'Checking…' : 'Run integrity check'}
      </button>
    </section>
  );
}
