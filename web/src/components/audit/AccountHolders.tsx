import { useId } from 'react';
import { useTally } from '../../state/use-tally.ts';
import { AccountsTable } from '../bank/AccountRow.tsx';

/** Every customer with their accounts; balances live (each row reads its own account). */
export function AccountHolders() {
  // Recomputed by the slice only when an account or holder appears, so this selector is stable.
  const groups = useTally((state) => state.holderGroups);
  const loaded = useTally((state) => state.holdersLoaded);
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel__header">
        <h2 id={`${id}-title`}>Account holders</h2>
        <span className="pill">{groups.length} customers</span>
      </div>
      {groups.length === 0 ? (
        <p className="empty-state empty-state--boxed">{loaded ? 'No customers yet.' : 'Loading the account holders…'}</p>
      ) : (
        <ul className="holder-list">
          {groups.map((group) => (
            <li key={group.username} className="holder">
              <h3 className="holder__name">{group.username}</h3>
              {group.accountNumbers.length === 0 ? (
                <p className="empty-state">No accounts.</p>
              ) : (
                <AccountsTable caption={`Accounts of ${group.username}`} accountNumbers={group.accountNumbers} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
