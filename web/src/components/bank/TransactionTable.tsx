import { memo } from 'react';
import { formatCents } from '../../../../shared/money.ts';
import type { TransactionView } from '../../../../shared/protocol.ts';
import { createdAtLabel, endpointLabel, transactionKindLabels } from './bank-labels.ts';

const endpointClass = (accountNumber: string | null) => (accountNumber === null ? 'muted nowrap' : 'account-number');

/** Rows are immutable and keep their identity across pages and live updates, so each renders once. */
const TransactionRow = memo(function TransactionRow({ transaction }: { transaction: TransactionView }) {
  return (
    <tr>
      <th scope="row" className="numeric transaction-id">
        #{transaction.id}
      </th>
      <td className="nowrap">
        <time dateTime={transaction.createdAt}>{createdAtLabel(transaction.createdAt)}</time>
      </td>
      <td>
        <span className={`kind-badge kind-badge--${transaction.kind}`}>{transactionKindLabels[transaction.kind]}</span>
      </td>
      <td className={endpointClass(transaction.fromAccountNumber)}>{endpointLabel(transaction.fromAccountNumber)}</td>
      <td className={endpointClass(transaction.toAccountNumber)}>{endpointLabel(transaction.toAccountNumber)}</td>
      <td className="numeric">{formatCents(transaction.amountCents)}</td>
      <td>{transaction.username}</td>
    </tr>
  );
});

/** Ledger rows, newest first: for a customer's own history and the auditor's whole ledger. */
export function TransactionTable({ caption, transactions }: { caption: string; transactions: readonly TransactionView[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="numeric">
              #
            </th>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col" className="numeric">
              Amount
            </th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {transactions.map((transaction) => (
            <TransactionRow key={transaction.id} transaction={transaction} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
