import type { TransactionKind, TransactionView } from '../../shared/protocol.ts';
import type { AccountState, LedgerAccountKind, MovementPlan } from './rules.ts';

/** A ledger transaction as both storage engines read it (times as ISO strings). */
export interface StoredTransaction {
  id: number;
  kind: TransactionKind;
  amount_cents: number;
  from_number: string | null;
  to_number: string | null;
  username: string;
  created_at: string;
  commit_seq: number;
  user_id: number;
  request_id: string | null;
}

/** One ledger entry, with its account's number. */
export interface StoredEntry {
  transaction_id: number;
  number: string;
  amount_cents: number;
}

/**
 * Transactions as the protocol shows them, each with its entries in the order given.
 * `requestIdsOf`: show only that user's own request ids (others see null); undefined shows every one.
 */
export function transactionViews(
  transactions: readonly StoredTransaction[],
  entries: readonly StoredEntry[],
  requestIdsOf: number | undefined,
): TransactionView[] {
  const byTransaction = new Map<number, Array<{ accountNumber: string; amountCents: number }>>();
  for (const entry of entries) {
    const list = byTransaction.get(entry.transaction_id) ?? [];
    list.push({ accountNumber: entry.number, amountCents: entry.amount_cents });
    byTransaction.set(entry.transaction_id, list);
  }
  return transactions.map((row) => ({
    id: row.id,
    kind: row.kind,
    amountCents: row.amount_cents,
    fromAccountNumber: row.from_number,
    toAccountNumber: row.to_number,
    username: row.username,
    createdAt: row.created_at,
    seq: row.commit_seq,
    requestId: requestIdsOf === undefined || requestIdsOf === row.user_id ? row.request_id : null,
    entries: byTransaction.get(row.id) ?? [],
  }));
}

/** An account as both storage engines read it, with its owner's name (none for the bank's own). */
export interface StoredAccount {
  id: number;
  number: string;
  kind: LedgerAccountKind;
  owner_user_id: number | null;
  owner_username: string | null;
  balance_cents: number;
  version: number;
  opened_at: string;
}

/** The bank's own accounts (the cash account) are shown as held by the bank. */
export const bankOwnerName = 'Tally Bank';

export function accountState(row: StoredAccount): AccountState {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    ownerUserId: row.owner_user_id,
    ownerUsername: row.owner_username ?? bankOwnerName,
    balanceCents: row.balance_cents,
    version: row.version,
    openedAt: row.opened_at,
  };
}

/** A movement as the protocol shows it once recorded as ledger transaction `id` in commit `commitSeq`. */
export function recordedTransaction(
  movement: MovementPlan,
  by: { username: string },
  requestId: string | null,
  createdAt: string,
  commitSeq: number,
  id: number,
): TransactionView {
  return {
    id,
    kind: movement.kind,
    amountCents: movement.amountCents,
    fromAccountNumber: movement.from?.number ?? null,
    toAccountNumber: movement.to?.number ?? null,
    username: by.username,
    createdAt,
    seq: commitSeq,
    requestId,
    entries: movement.postings.map(({ account, amountCents }) => ({ accountNumber: account.number, amountCents })),
  };
}
