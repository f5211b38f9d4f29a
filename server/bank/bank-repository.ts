import type { AccountKind, TransactionKind, TransactionView } from '../../shared/protocol.ts';
import type { AccountState, MovementPlan, MovementTotals } from './rules.ts';

export interface HistoryFilter {
  beforeId?: number | undefined;
  limit: number;
  /** Only transactions with an entry on this account. */
  accountId?: number | undefined;
  /** Only transactions with an entry on an account this user owns. */
  ownerUserId?: number | undefined;
  kind?: TransactionKind | undefined;
  /** Show only this user's own request ids (null on others' rows); undefined shows all (the auditor). */
  requestIdsOf?: number | undefined;
}

export interface LedgerTotals {
  transactions: number;
  entries: number;
  accounts: number;
}

/** What an integrity check finds; each list is empty when the ledger is sound. */
export interface LedgerFindings {
  unbalancedTransactions: Array<{ transactionId: number; sumCents: number }>;
  transactionsWithTooFewEntries: number[];
  balancesNotMatchingEntries: Array<{ number: string; balanceCents: number; entriesCents: number }>;
  negativeBalances: Array<{ number: string; balanceCents: number }>;
}

export interface RecordedMovement {
  transaction: TransactionView;
  /** The accounts the postings changed, after the change. */
  accounts: AccountState[];
}

/** The bank's data inside a unit of work; asynchronous so every storage engine can implement it. */
export interface BankRepository {
  cashAccount(): Promise<AccountState>;
  findAccount(number: string): Promise<AccountState | undefined>;
  countAccounts(ownerUserId: number): Promise<number>;
  openAccount(kind: AccountKind, ownerUserId: number, openedAt: string, commitSeq: number): Promise<AccountState>;
  listAccounts(ownerUserId: number): Promise<AccountState[]>;

  /** Writes the transaction (made `by` the signed-in user, whose name it carries) and its entries and moves the balances, in the caller's unit of work. */
  record(movement: MovementPlan, by: { id: number; username: string }, requestId: string | null, createdAt: string, commitSeq: number): Promise<RecordedMovement>;
  history(filter: HistoryFilter): Promise<TransactionView[]>;
  /** Customer accounts changed in a commit after `sinceSeq` (one owner's, or all), at most `limit`. */
  accountsChangedSince(sinceSeq: number, ownerUserId: number | undefined, limit: number): Promise<AccountState[]>;
  /** Ledger transactions committed after `sinceSeq`, in commit order, at most `limit`. */
  transactionsSince(sinceSeq: number, limit: number): Promise<TransactionView[]>;
  totals(): Promise<{ depositsCents: number; loansOwedCents: number }>;
  /** The totals as the ledger's movements make them (the other side of the conservation check). */
  movementTotals(): Promise<MovementTotals>;
  countLedger(): Promise<LedgerTotals>;
  findings(): Promise<LedgerFindings>;
}
