import { useId, useState } from 'react';
import { Tabs, type TabItem } from '../Tabs.tsx';
import { useBankActions } from './bank-actions-context.ts';
import { PayLoanByTransferForm } from './PayLoanByTransferForm.tsx';
import { SingleAccountForm } from './SingleAccountForm.tsx';
import { TransferForm } from './TransferForm.tsx';
import { depositKinds, loanKinds } from './use-accounts.ts';

type Operation = 'deposit' | 'withdraw' | 'transfer' | 'loanByCheck' | 'loanByTransfer';

const operations: readonly TabItem<Operation>[] = [
  { key: 'deposit', label: 'Deposit' },
  { key: 'withdraw', label: 'Withdraw' },
  { key: 'transfer', label: 'Transfer' },
  { key: 'loanByCheck', label: 'Pay loan by check' },
  { key: 'loanByTransfer', label: 'Pay loan by transfer' },
];

function OperationForm({ operation }: { operation: Operation }) {
  const actions = useBankActions();
  switch (operation) {
    case 'deposit':
      return (
        <SingleAccountForm
          kinds={depositKinds}
          accountLabel="Into account"
          submitLabel="Deposit"
          busyLabel="Depositing…"
          lead="Put money from outside the bank into one of your checking or savings accounts."
          noAccountsMessage="Open a checking or savings account to deposit into."
          perform={actions.deposit}
        />
      );
    case 'withdraw':
      return (
        <SingleAccountForm
          kinds={depositKinds}
          accountLabel="From account"
          submitLabel="Withdraw"
          busyLabel="Withdrawing…"
          lead="Take money out of the bank. An account may be emptied, never overdrawn."
          noAccountsMessage="Open a checking or savings account to withdraw from."
          perform={actions.withdraw}
        />
      );
    case 'transfer':
      return <TransferForm />;
    case 'loanByCheck':
      return (
        <SingleAccountForm
          kinds={loanKinds}
          accountLabel="Loan"
          submitLabel="Pay by check"
          busyLabel="Paying…"
          lead="Pay down one of your loans with money from outside the bank, such as a check."
          noAccountsMessage="You have no loans to pay."
          perform={actions.payLoanByCheck}
        />
      );
    case 'loanByTransfer':
      return <PayLoanByTransferForm />;
    default: {
      const unexpected: never = operation;
      throw new Error(`unknown operation ${JSON.stringify(unexpected)}`);
    }
  }
}

export function MoneyOperations() {
  const [operation, setOperation] = useState<Operation>('deposit');
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel__header">
        <h2 id={`${id}-title`}>Move money</h2>
      </div>
      <Tabs label="Operations" tabs={operations} selected={operation} onSelect={setOperation}>
        <OperationForm key={operation} operation={operation} />
      </Tabs>
    </section>
  );
}
