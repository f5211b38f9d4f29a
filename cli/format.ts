/** Plain-text tables for the terminal, like ABC Bank's `tabulate` output. */
import { formatCents } from '../shared/money.ts';
import type { AccountHolder, AccountView, TransactionView } from '../shared/protocol.ts';

export type Column = { title: string; align?: 'left' | 'right' };

/** Columns padded to their widest cell, two spaces apart, a dashed rule under the titles. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) => Math.max(column.title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        return column.align === 'right' ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(columns.map((column) => column.title)), rule, ...rows.map(line)].join('\n');
}

export function formatAccounts(accounts: readonly AccountView[]): string {
  return formatTable(
    [{ title: 'account' }, { title: 'kind' }, { title: 'owner' }, { title: 'balance', align: 'right' }],
    accounts.map((account) => [account.number, account.kind, account.ownerUsername, formatBalance(account)]),
  );
}

export function formatHolders(holders: readonly AccountHolder[]): string {
  const rows = holders.flatMap((holder) =>
    holder.accounts.length === 0
      ? [[holder.username, '-', '-', '']]
      : holder.accounts.map((account) => [holder.username, account.number, account.kind, formatBalance(account)]),
  );
  return formatTable([{ title: 'holder' }, { title: 'account' }, { title: 'kind' }, { title: 'balance', align: 'right' }], rows);
}

export function formatTransactions(transactions: readonly TransactionView[]): string {
  return formatTable(
    [
      { title: 'id', align: 'right' },
      { title: 'time (UTC)' },
      { title: 'kind' },
      { title: 'amount', align: 'right' },
      { title: 'from' },
      { title: 'to' },
      { title: 'by' },
    ],
    transactions.map((transaction) => [
      String(transaction.id),
      formatTimestamp(transaction.createdAt),
      transaction.kind,
      formatCents(transaction.amountCents),
      transaction.fromAccountNumber ?? 'outside',
      transaction.toAccountNumber ?? 'outside',
      transaction.username,
    ]),
  );
}

/** One line saying what a money operation did. */
export function describeTransaction(transaction: TransactionView): string {
  const from = transaction.fromAccountNumber ?? 'outside the bank';
  const to = transaction.toAccountNumber ?? 'outside the bank';
  return `transaction ${transaction.id}: ${transaction.kind} of ${formatCents(transaction.amountCents)} from ${from} to ${to}`;
}

/** A loan's balance is what its owner still owes; the kind column says which it is. */
function formatBalance(account: AccountView): string {
  return formatCents(account.balanceCents);
}

/** "2025-11-23T09:41:27.906Z" -> "2025-11-23 09:41:27" */
export function formatTimestamp(isoText: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(isoText);
  return match === null ? isoText : `${match[1]} ${match[2]}`;
}
