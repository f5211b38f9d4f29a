import { memo } from 'react';
import { formatCents } from '../../../../shared/money.ts';
import type { TransactionView } from '../../../../shared/protocol.ts';
import { createdAtLabel, endpointLabel, transactionKindLabels } from './bank-labels.ts';
import '../tables.css';

const endpointClass = (accountNumber: string | null) => (accountNumber === null ? 'muted' : 'account-number');

/*
 * The roles restate what the elements already are: narrow, the rows are laid out as cards
 * (display: grid), and some browsers drop a table's semantics when its display changes.
 */

/**
 * One ledger row. A row never changes and keeps its object across pages and live updates (the
 * slices see to that), so each renders once. New rows are not animated: on a live ledger some row
 * would always be fading or flashing, and a table half faded in reads as blank.
 */
const TransactionRow = memo(function TransactionRow({ transaction }: { transaction: TransactionView }) {
  const kind = transactionKindLabels[transaction.kind];
  const from = endpointLabel(transaction.fromAccountNumber);
  const to = endpointLabel(transaction.toAccountNumber);
  const amount = formatCents(transaction.amountCents);
  return (
    <tr role="row">
      <th role="rowheader" scope="row" className="numeric transaction-id transaction-table__id" data-label="#">
        #{transaction.id}
      </th>
      <td role="cell" className="transaction-table__when" data-label="When">
        <time dateTime={transaction.createdAt}>{createdAtLabel(transaction.createdAt)}</time>
      </td>
      <td role="cell" className="transaction-table__what" data-label="What">
        <span className={`kind-badge kind-badge--${transaction.kind}`} title={kind}>
          {kind}
        </span>
      </td>
      <td role="cell" className={`transaction-table__from ${endpointClass(transaction.fromAccountNumber)}`} data-label="From" title={from}>
        {from}
      </td>
      <td role="cell" className={`transaction-table__to ${endpointClass(transaction.toAccountNumber)}`} data-label="To" title={to}>
        {to}
      </td>
      <td role="cell" className="numeric transaction-table__amount" data-label="Amount" title={amount}>
        {amount}
      </td>
      <td role="cell" className="transaction-table__by" data-label="By" title={transaction.username}>
        {transaction.username}
      </td>
    </tr>
  );
});

/**
 * Ledger rows, newest first: for a customer's own history and the auditor's whole ledger. Every
 * column fits its panel: the less important ones give way as it narrows (tables.css), and below
 * about 540 px each row is a card with every field labelled.
 */
export function TransactionTable({ caption, transactions }: { caption: string; transactions: readonly TransactionView[] }) {
  return (
    <div className="transaction-table-frame">
      <table role="table" className="data-table transaction-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead role="rowgroup">
          <tr role="row">
            <th role="columnheader" scope="col" className="numeric transaction-table__id">
              #
            </th>
            <th role="columnheader" scope="col" className="transaction-table__when">
              When
            </th>
            <th role="columnheader" scope="col" className="transaction-table__what">
              What
            </th>
            <th role="columnheader" scope="col" className="transaction-table__from">
              From
            </th>
            <th role="columnheader" scope="col" className="transaction-table__to">
              To
            </th>
            <th role="columnheader" scope="col" className="numeric transaction-table__amount">
              Amount
            </th>
            <th role="columnheader" scope="col" className="transaction-table__by">
              By
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {transactions.map((transaction) => (
            <TransactionRow key={transaction.id} transaction={transaction} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
