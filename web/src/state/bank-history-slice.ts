import type { TallySliceCreator } from './store.ts';
import { emptyHistoryPage, type HistoryPage } from './history-page.ts';

/** The signed-in customer's history: the page on screen. Customers get no rows live; the page is refetched. */
export interface BankHistorySlice {
  myHistory: HistoryPage;
  setMyHistory: (page: HistoryPage) => void;
  forgetMyHistory: () => void;
}

export const createBankHistorySlice: TallySliceCreator<BankHistorySlice> = (set) => ({
  myHistory: emptyHistoryPage,
  setMyHistory: (myHistory) => set({ myHistory }),
  forgetMyHistory: () => set({ myHistory: emptyHistoryPage }),
});
