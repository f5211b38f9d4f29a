import type { TransactionView } from '../../../shared/protocol.ts';
import { describeFailure } from '../../../shared/client/request-error.ts';
import { sameFilter, type HistoryFilter, type HistoryPage } from '../state/history-page.ts';

/** Where to go from the page on screen: the newest page, the next older or newer one, or the same again. */
export type PageMove = 'newest' | 'older' | 'newer' | 'current';

export interface FetchedPage {
  transactions: readonly TransactionView[];
  nextBeforeId: number | null;
}

type PagePosition = Pick<HistoryPage, 'filter' | 'beforeId' | 'newerBeforeIds'>;

/** The page a move leads to; null when there is none that way. Pure. */
export function pageTarget(shown: HistoryPage, move: PageMove, filter: HistoryFilter = shown.filter): PagePosition | null {
  switch (move) {
    case 'newest':
      return { filter, beforeId: null, newerBeforeIds: [] };
    case 'current':
      return { filter: shown.filter, beforeId: shown.beforeId, newerBeforeIds: shown.newerBeforeIds };
    case 'older':
      if (shown.nextBeforeId === null) return null;
      return { filter: shown.filter, beforeId: shown.nextBeforeId, newerBeforeIds: [shown.beforeId, ...shown.newerBeforeIds] };
    case 'newer': {
      const [beforeId, ...newerBeforeIds] = shown.newerBeforeIds;
      if (beforeId === undefined) return null;
      return { filter: shown.filter, beforeId, newerBeforeIds };
    }
    default: {
      const unexpected: never = move;
      throw new Error(`unknown page move ${JSON.stringify(unexpected)}`);
    }
  }
}

export interface HistoryPagerOptions {
  read: () => HistoryPage;
  write: (page: HistoryPage) => void;
  fetch: (position: PagePosition) => Promise<FetchedPage>;
  /** Whose history it is (the signed-in user's id); a reply for someone who has signed out since is dropped. */
  owner: () => number | null;
}

/**
 * Loads history pages into a slice, whose `write` merges a fetched page into the one shown. Only
 * the reply to the latest request is shown, so a slow reply cannot replace a newer page; while
 * loading, the rows on screen stay (unless the filter changed). 'current' refreshes the page on
 * screen quietly: no loading state, so a live page refreshed several times a second never flickers,
 * and never while another page is loading, which it would overtake.
 */
export function createHistoryPager({ read, write, fetch, owner }: HistoryPagerOptions) {
  let latestRequest = 0;
  return async function show(move: PageMove, filter?: HistoryFilter): Promise<void> {
    const shown = read();
    if (move === 'current' && shown.status === 'loading') return;
    const target = pageTarget(shown, move, filter);
    if (target === null) return;
    latestRequest += 1;
    const request = latestRequest;
    const askedFor = owner();
    const wanted = () => request === latestRequest && askedFor !== null && owner() === askedFor;
    if (move !== 'current') write(loadingPage(shown, target));
    try {
      const page = await fetch(target);
      if (!wanted()) return;
      write({ ...read(), ...target, ...page, status: 'loaded', error: null });
    } catch (error) {
      if (!wanted()) return;
      write({ ...read(), status: 'failed', error: describeFailure(error) });
    }
  };
}

/**
 * The page on screen while `target` loads. With the same filter, it stays as it is, where it is,
 * until the new page arrives (so its rows are never taken for the target's). A new filter empties
 * it at once, and nothing waits to be shown any more.
 */
function loadingPage(shown: HistoryPage, target: PagePosition): HistoryPage {
  if (sameFilter(shown.filter, target.filter)) return { ...shown, status: 'loading', error: null };
  return { ...shown, ...target, transactions: [], status: 'loading', error: null, pending: [], pendingCount: 0, pendingCountPartial: false };
}
