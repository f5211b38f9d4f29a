import { useId } from 'react';
import { formatCents } from '../../../../shared/money.ts';
import { useTally } from '../../state/use-tally.ts';
import { AccountsTable } from './AccountRow.tsx';

export function MyAccounts() {
  // The slice replaces accountNumbers only when the set of numbers changes, so this selector is stable.
  const accountNumbers = useTally((state) => state.accountNumbers);
  const depositsTotalCents = useTally((state) => state.depositsTotalCents);
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel__header">
        <h2 id={`${id}-title`}>My accounts</h2>
        {accountNumbers.length > 0 && <span className="pill">{formatCents(depositsTotalCents)} in checking and savings</span>}
      </div>
      {accountNumbers.length === 0 ? (
        <p className="empty-state empty-state--boxed">You have no accounts yet. Open one to get started.</p>
      ) : (
        <AccountsTable caption="My accounts" accountNumbers={accountNumbers} />
      )}
    </section>
  );
}
