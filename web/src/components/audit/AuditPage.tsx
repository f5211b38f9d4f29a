import { ResumingPanel } from '../ResumingPanel.tsx';
import { StaleNotice } from '../StaleNotice.tsx';
import { routeHashes } from '../../routing/routes.ts';
import { useTally } from '../../state/use-tally.ts';
import { UserBar } from '../bank/UserBar.tsx';
import { AccountHolders } from './AccountHolders.tsx';
import { AuditHistory } from './AuditHistory.tsx';
import { AuditTotal } from './AuditTotal.tsx';
import { IntegrityCheck } from './IntegrityCheck.tsx';

function Refusal({ signedIn }: { signedIn: boolean }) {
  return (
    <section className="panel panel--narrow refusal" aria-labelledby="audit-refusal-title">
      <div className="result__badge" aria-hidden="true">
        !
      </div>
      <h2 id="audit-refusal-title">Only the auditor may see the audit views</h2>
      <p role="alert" className="result__lead">
        {signedIn ? 'You are signed in as a customer; the audit views are not for customers.' : 'Sign in as the auditor on the Bank page.'}
      </p>
      <a className="button button--ghost" href={routeHashes.bank}>
        Go to the Bank
      </a>
    </section>
  );
}

function AuditContent() {
  const userStatus = useTally((state) => state.userStatus);
  const role = useTally((state) => state.user?.role);
  if (userStatus === 'resuming') return <ResumingPanel />;
  if (role !== 'auditor') return <Refusal signedIn={userStatus === 'signedIn'} />;
  return (
    <div className="audit-layout">
      <StaleNotice>Balances, totals and the ledger below are as this tab last saw them, and may be out of date.</StaleNotice>
      <div className="audit-layout__metrics">
        <AuditTotal />
        <IntegrityCheck />
      </div>
      <AuditHistory />
      <AccountHolders />
    </div>
  );
}

export function AuditPage() {
  return (
    <main className="page" aria-labelledby="audit-page-title">
      <div className="page-heading">
        <div>
          <h2 id="audit-page-title">Audit</h2>
          <p>Every account and every ledger transaction, as they are committed.</p>
        </div>
        <UserBar />
      </div>
      <AuditContent />
    </main>
  );
}
