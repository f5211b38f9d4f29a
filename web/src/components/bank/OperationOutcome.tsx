import { formatCents } from '../../../../shared/money.ts';
import type { AccountView } from '../../../../shared/protocol.ts';
import type { MoneyOutcome } from '../../actions/bank-actions.ts';
import { accountKindLabels, transactionTitle } from './bank-labels.ts';

/**
 * OK with the new balances of my accounts the operation touched, or FAILED with the server's reason
 * and those accounts' balances as they still are (as the bank seed's server answers both).
 */
export function OperationOutcome({ outcome, retrying = false }: { outcome: MoneyOutcome | null; retrying?: boolean }) {
  if (retrying) {
    return (
      <p role="status" aria-label="Outcome" className="outcome outcome--retrying">
        Connection lost: retrying… The bank will carry this out at most once and tell you how it ended.
      </p>
    );
  }
  if (outcome === null) return null;
  if (!outcome.ok) {
    return (
      <div role="alert" aria-label="Outcome" className="outcome outcome--failed">
        <span className="outcome__badge">FAILED</span>
        <p className="outcome__text">{outcome.message}</p>
        <Balances accounts={outcome.accounts} />
      </div>
    );
  }
  return (
    <div role="status" aria-label="Outcome" className="outcome outcome--ok">
      <span className="outcome__badge">OK</span>
      <p className="outcome__text">Saved: {transactionTitle(outcome.transaction)}.</p>
      <Balances accounts={outcome.accounts} />
    </div>
  );
}

function Balances({ accounts }: { accounts: readonly AccountView[] }) {
  if (accounts.length === 0) return null;
  return (
    <ul className="outcome__balances">
      {accounts.map((account) => (
        <li key={account.number}>
          <span>
            {accountKindLabels[account.kind]} {account.number}
          </span>
          <strong>
            {formatCents(account.balanceCents)}
            {account.kind === 'loan' ? ' owed' : ''}
          </strong>
        </li>
      ))}
    </ul>
  );
}
