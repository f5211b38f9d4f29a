import { historyPageSize } from '../bank/bank-ui-limits.ts';
import type { TallySliceCreator } from './store.ts';
import { emptyHistoryPage, mergeFetchedPage, withPaused, type HistoryPage } from './history-page.ts';

/**
 * The signed-in customer's history: the page on screen. Customers get no ledger rows live; the
 * newest page is refetched as their accounts change and merged in (new rows on top, shown rows kept).
 */
export interface BankHistorySlice {
  myHistory: HistoryPage;
  /** A page from the pager: loading and failure states as they are, a fetched page merged into the one shown. */
  setMyHistory: (page: HistoryPage) => void;
  /** Pauses the live page (new rows wait, counted) or resumes it (they go on top). */
  setMyHistoryPaused: (paused: boolean) => void;
  forgetMyHistory: () => void;
}

export const createBankHistorySlice: TallySliceCreator<BankHistorySlice> = (set, get) => ({
  myHistory: emptyHistoryPage,
  setMyHistory: (page) => {
    const shown = get().myHistory;
    const myHistory = page.status === 'loaded' ? mergeFetchedPage(shown, page, historyPageSize) : page;
    if (myHistory !== shown) set({ myHistory });
  },
  setMyHistoryPaused: (paused) => {
    const shown = get().myHistory;
    const myHistory = withPaused(shown, paused, historyPageSize);
    if (myHistory !== shown) set({ myHistory });
  },
  forgetMyHistory: () => set({ myHistory: emptyHistoryPage }),
});
