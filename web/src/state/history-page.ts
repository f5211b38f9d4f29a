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
 *
 * The newest page is live: new rows go on top and the page keeps `pageSize` rows. A row is an
 * immutable ledger entry, so a row already shown keeps its object across updates (React renders it
 * once). Paused, the newest page keeps its rows and holds new ones in `pending` until resumed.
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
  /** The person paused the live page: new rows wait in `pending`. */
  paused: boolean;
  /** New rows that came while paused, newest first, at most a page of them (the rest would fall off on resume). */
  pending: readonly TransactionView[];
  /** How many new rows came while paused, `pending` and those it had no room for. */
  pendingCount: number;
  /** Some new rows were never seen (a refetched page was all new): `pendingCount` is a lower bound. */
  pendingCountPartial: boolean;
}

export const emptyHistoryPage: HistoryPage = {
  filter: {},
  beforeId: null,
  newerBeforeIds: [],
  transactions: [],
  nextBeforeId: null,
  status: 'idle',
  error: null,
  paused: false,
  pending: [],
  pendingCount: 0,
  pendingCountPartial: false,
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

/** Rows by id, newest first, each once (the first object given for an id wins), at most `rowsMax`. */
export function newestFirst(transactions: readonly TransactionView[], rowsMax: number): TransactionView[] {
  const byId = new Map<number, TransactionView>();
  for (const transaction of transactions) if (!byId.has(transaction.id)) byId.set(transaction.id, transaction);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, rowsMax);
}

function sameRows(a: readonly TransactionView[], b: readonly TransactionView[]): boolean {
  return a.length === b.length && a.every((row, index) => row === b[index]);
}

/**
 * `incoming` rows on top of `shown`'s, newest first, keeping `pageSize`; rows already shown keep
 * their objects. When rows fall off the bottom, the next page starts after the last kept. `shown`
 * itself when nothing changed, so subscribers see no change.
 */
function withRowsOnTop(shown: HistoryPage, incoming: readonly TransactionView[], pageSize: number, nextBeforeIdIfKept: number | null): HistoryPage {
  const all = newestFirst([...shown.transactions, ...incoming], Number.MAX_SAFE_INTEGER);
  const transactions = all.slice(0, pageSize);
  const nextBeforeId = all.length > pageSize ? transactions[transactions.length - 1]!.id : nextBeforeIdIfKept;
  if (sameRows(transactions, shown.transactions) && nextBeforeId === shown.nextBeforeId) return shown;
  return { ...shown, transactions, nextBeforeId };
}

/**
 * Paused: the rows of `incoming` newer than anything shown wait in `pending`. `complete` says
 * `incoming` holds every new row (live rows do; a refetched newest page may not, when all of it is new).
 */
function holdNewRows(shown: HistoryPage, incoming: readonly TransactionView[], pageSize: number, complete: boolean): HistoryPage {
  const newestShownId = shown.transactions[0]?.id ?? 0;
  const held = new Set(shown.pending.map((transaction) => transaction.id));
  const fresh = incoming.filter((transaction) => transaction.id > newestShownId && !held.has(transaction.id));
  if (fresh.length === 0) return shown;
  return {
    ...shown,
    pending: newestFirst([...shown.pending, ...fresh], pageSize),
    pendingCount: shown.pendingCount + fresh.length,
    pendingCountPartial: shown.pendingCountPartial || !complete,
  };
}

/**
 * New rows from a `changes` frame on the newest page: those matching the filter go on top (or wait
 * in `pending` while paused) and the page keeps `pageSize` rows. Other pages are left alone (their
 * rows are older by definition).
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
  if (page.paused) return holdNewRows(page, matching, pageSize, true);
  return withRowsOnTop(page, matching, pageSize, page.nextBeforeId);
}

/**
 * A fetched page into the page shown. A refetch of the newest page on screen (same filter) is an
 * update of it: new rows go on top (or wait while paused), rows already shown keep their objects,
 * and rows that arrived live meanwhile and are newer than anything fetched stay (the fetch may have
 * read a slightly older commit). Any other page (another page, another filter) replaces what is
 * shown, and what waited in `pending` is dropped: the page fetched is as new as it gets.
 */
export function mergeFetchedPage(shown: HistoryPage, fetched: HistoryPage, pageSize: number): HistoryPage {
  const shownRows = shown.status === 'loaded' || shown.transactions.length > 0;
  const refresh = fetched.beforeId === null && shown.beforeId === null && sameFilter(shown.filter, fetched.filter) && shownRows;
  if (!refresh) return { ...fetched, paused: shown.paused, pending: [], pendingCount: 0, pendingCountPartial: false };
  const settled = shown.status === fetched.status && shown.error === fetched.error ? shown : { ...shown, status: fetched.status, error: fetched.error };
  if (shown.paused) {
    const newestShownId = shown.transactions[0]?.id ?? 0;
    const complete = fetched.nextBeforeId === null || fetched.transactions.some((transaction) => transaction.id <= newestShownId);
    return holdNewRows(settled, fetched.transactions, pageSize, complete);
  }
  const newestFetchedId = fetched.transactions[0]?.id ?? 0;
  const liveNewer = shown.transactions.filter((transaction) => transaction.id > newestFetchedId);
  const shownById = new Map(shown.transactions.map((transaction) => [transaction.id, transaction]));
  const rows = [...liveNewer, ...fetched.transactions.map((transaction) => shownById.get(transaction.id) ?? transaction)];
  const transactions = newestFirst(rows, pageSize);
  const nextBeforeId = rows.length > pageSize ? transactions[transactions.length - 1]!.id : fetched.nextBeforeId;
  if (sameRows(transactions, shown.transactions) && nextBeforeId === shown.nextBeforeId) return settled;
  return { ...settled, transactions, nextBeforeId };
}

/** Pauses the live page, or resumes it: what waited goes on top, as if it had come live. */
export function withPaused(page: HistoryPage, paused: boolean, pageSize: number): HistoryPage {
  if (page.paused === paused) return page;
  if (paused) return { ...page, paused, pending: [], pendingCount: 0, pendingCountPartial: false };
  const resumed = { ...page, paused, pending: [], pendingCount: 0, pendingCountPartial: false };
  return page.pending.length === 0 ? resumed : withRowsOnTop(resumed, page.pending, pageSize, page.nextBeforeId);
}
