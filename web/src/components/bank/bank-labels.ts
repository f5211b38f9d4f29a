import { formatCents } from '../../../../shared/money.ts';
import type { AccountKind, AccountView, TransactionKind, TransactionView } from '../../../../shared/protocol.ts';

export const accountKindLabels: Readonly<Record<AccountKind, string>> = {
  checking: 'Checking',
  savings: 'Savings',
  loan: 'Loan',
};

export const transactionKindLabels: Readonly<Record<TransactionKind, string>> = {
  open_account: 'Account opened',
  deposit: 'Deposit',
  withdrawal: 'Withdrawal',
  transfer: 'Transfer',
  loan_payment_check: 'Loan payment by check',
  loan_payment_transfer: 'Loan payment by transfer',
};

/** "482017593672 · Checking · $2,565.00", or "… · Loan · owes $4,600.00". */
export function accountOptionLabel(account: Pick<AccountView, 'number' | 'kind' | 'balanceCents'>): string {
  const balance = account.kind === 'loan' ? `owes ${formatCents(account.balanceCents)}` : formatCents(account.balanceCents);
  return `${account.number} · ${accountKindLabels[account.kind]} · ${balance}`;
}

/** Where money came from or went, for a history row: outside the bank when the protocol says null. */
export function endpointLabel(accountNumber: string | null): string {
  return accountNumber ?? 'Outside the bank';
}

/** "Transfer #57 of $12.34" */
export function transactionTitle(transaction: Pick<TransactionView, 'id' | 'kind' | 'amountCents'>): string {
  return `${transactionKindLabels[transaction.kind]} #${transaction.id} of ${formatCents(transaction.amountCents)}`;
}

const createdAtFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'short', timeStyle: 'medium' });

export function createdAtLabel(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : createdAtFormat.format(date);
}
