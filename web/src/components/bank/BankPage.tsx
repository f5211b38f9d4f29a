import { ResumingPanel } from '../ResumingPanel.tsx';
import { StaleNotice } from '../StaleNotice.tsx';
import { useTally } from '../../state/use-tally.ts';
import { routeHashes } from '../../routing/routes.ts';
import { BankAuthForm } from './BankAuthForm.tsx';
import { MoneyOperations } from './MoneyOperations.tsx';
import { MyAccounts } from './MyAccounts.tsx';
import { MyHistory } from './MyHistory.tsx';
import { OpenAccountForm } from './OpenAccountForm.tsx';
import { SimulationPanel } from './SimulationPanel.tsx';
import { UserBar } from './UserBar.tsx';

function CustomerBank() {
  return (
    <div className="bank-layout">
      <StaleNotice>Balances and history below are as this tab last saw them; new operations wait until Tally is back.</StaleNotice>
      <div className="bank-layout__main">
        <MyAccounts />
        <MoneyOperations />
        <MyHistory />
      </div>
      <aside className="bank-layout__side">
        <OpenAccountForm />
        <SimulationPanel />
      </aside>
    </div>
  );
}

function AuditorNotice() {
  return (
    <section className="panel panel--narrow">
      <h2>You are signed in as the auditor</h2>
      <p className="panel__lead">The auditor holds no accounts and moves no money, but sees every account and every transaction.</p>
      <a className="button button--primary" href={routeHashes.audit}>
        Open the audit views
      </a>
    </section>
  );
}

function BankContent() {
  const userStatus = useTally((state) => state.userStatus);
  const role = useTally((state) => state.user?.role);
  if (userStatus === 'resuming') return <ResumingPanel />;
  if (userStatus === 'signedOut') return <BankAuthForm />;
  return role === 'auditor' ? <AuditorNotice /> : <CustomerBank />;
}

export function BankPage() {
  return (
    <main className="page" aria-labelledby="bank-page-title">
      <div className="page-heading">
        <div>
          <h2 id="bank-page-title">Bank</h2>
          <p>Balances move live in every tab the moment an operation is saved.</p>
        </div>
        <UserBar />
      </div>
      <BankContent />
    </main>
  );
}
