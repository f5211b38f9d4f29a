import type { TransactionKind, TransactionView } from '../../../shared/protocol.ts';

/** Which ledger rows a history page shows; every field optional (audit.history's filters; a customer uses none). */
export interface HistoryFilter {
  accountNumber?: string;
  /** Lower-case: rows touching an account this customer owns. */
  username?: string;
  kind?: TransactionKind;
}

/**
 * One page of history, newest first, as the protocol pages it: `beforeId` is what the page was
 * asked with (null for the newest page), `nextBeforeId` what to ask for the next, older one.
 */
export interface HistoryPage {
  filter: HistoryFilter;
  beforeId: number | null;
  /** The `beforeId`s of the newer pages walked through, newest first, so "Newer" can go back. */
  newerBeforeIds: readonly (number | null)[];
  transactions: readonly TransactionView[];
  nextBeforeId: number | null;
  /** `loading` keeps the rows on screen until the new ones arrive. */
  status: 'idle' | 'loading' | 'loaded' | 'failed';
  error: string | null;
}

export const emptyHistoryPage: HistoryPage = {
  filter: {},
  beforeId: null,
  newerBeforeIds: [],
  transactions: [],
  nextBeforeId: null,
  status: 'idle',
  error: null,
};

export function sameFilter(a: HistoryFilter, b: HistoryFilter): boolean {
  return a.accountNumber === b.accountNumber && a.username === b.username && a.kind === b.kind;
}

/** Whether a new ledger row belongs on a page with this filter; `ownerOf` names an account's owner, if known. */
export function matchesFilter(transaction: TransactionView, filter: HistoryFilter, ownerOf: (accountNumber: string) => string | undefined): boolean {
  if (filter.kind !== undefined && transaction.kind !== filter.kind) return false;
  const numbers = transaction.entries.map((entry) => entry.accountNumber);
  if (filter.accountNumber !== undefined && !numbers.includes(filter.accountNumber)) return false;
  if (filter.username !== undefined && !numbers.some((number) => ownerOf(number) === filter.username)) return false;
  return true;
}

/** Rows by id, newest first, each once, at most `rowsMax`. */
export function newestFirst(transactions: readonly TransactionView[], rowsMax: number): TransactionView[] {
  const byId = new Map(transactions.map((transaction) => [transaction.id, transaction]));
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, rowsMax);
}

/**
 * New rows from a `changes` frame on the newest page: those matching the filter go on top and the
 * page keeps `pageSize` rows. When rows fall off the bottom, the next page starts after the last kept.
 * Other pages are left alone (their rows are older by definition).
 */
export function prependLiveRows(
  page: HistoryPage,
  incoming: readonly TransactionView[],
  ownerOf: (accountNumber: string) => string | undefined,
  pageSize: number,
): HistoryPage {
  if (page.beforeId !== null || page.status === 'idle' || page.status === 'failed') return page;
  const matching = incoming.filter((transaction) => matchesFilter(transaction, page.filter, ownerOf));
  if (matching.length === 0) return page;
  const all = newestFirst([...matching, ...page.transactions], Number.MAX_SAFE_INTEGER);
  const transactions = all.slice(0, pageSize);
  const trimmed = all.length > pageSize;
  const nextBeforeId = trimmed ? transactions[transactions.length - 1]!.id : page.nextBeforeId;
  return { ...page, transactions, nextBeforeId };
}

/**
 * A fetched newest page replaces the rows shown, but rows that arrived live meanwhile and are newer
 * than anything fetched stay on top (the fetch may have read a slightly older commit).
 */
export function mergeFetchedNewestPage(shown: HistoryPage, fetched: HistoryPage, pageSize: number): HistoryPage {
  if (fetched.beforeId !== null || shown.beforeId !== null || !sameFilter(shown.filter, fetched.filter)) return fetched;
  const newestFetchedId = fetched.transactions[0]?.id ?? 0;
  const newer = shown.transactions.filter((transaction) => transaction.id > newestFetchedId);
  if (newer.length === 0) return fetched;
  const all = newestFirst([...newer, ...fetched.transactions], Number.MAX_SAFE_INTEGER);
  const transactions = all.slice(0, pageSize);
  const nextBeforeId = all.length > pageSize ? transactions[transactions.length - 1]!.id : fetched.nextBeforeId;
  return { ...fetched, transactions, nextBeforeId };
}
