import { useTally } from '../../state/use-tally.ts';
import { accountKindLabels } from './bank-labels.ts';
import { LiveAmount } from './LiveAmount.tsx';

/** One account, live: only this row re-renders when this account changes. */
export function AccountRow({ accountNumber }: { accountNumber: string }) {
  const account = useTally((state) => state.accountsByNumber[accountNumber]);
  if (account === undefined) return null;
  return (
    <tr>
      <th scope="row" className="account-number">
        {account.number}
      </th>
      <td>
        <span className={`kind-badge kind-badge--${account.kind}`}>{accountKindLabels[account.kind]}</span>
      </td>
      <td className="numeric">
        <LiveAmount cents={account.balanceCents} />
        {account.kind === 'loan' && <span className="balance-note"> owed</span>}
      </td>
    </tr>
  );
}

/** Accounts as a table: number, kind, balance. */
export function AccountsTable({ caption, accountNumbers }: { caption: string; accountNumbers: readonly string[] }) {
  return (
    <table className="data-table accounts-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Account</th>
          <th scope="col">Kind</th>
          <th scope="col" className="numeric">
            Balance
          </th>
        </tr>
      </thead>
      <tbody>
        {accountNumbers.map((number) => (
          <AccountRow key={number} accountNumber={number} />
        ))}
      </tbody>
    </table>
  );
}
