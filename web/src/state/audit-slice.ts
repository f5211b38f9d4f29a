import type { IntegrityReport, TransactionView } from '../../../shared/protocol.ts';
import { historyPageSize } from '../bank/bank-ui-limits.ts';
import { emptyHistoryPage, mergeFetchedPage, prependLiveRows, withPaused, type HistoryPage } from './history-page.ts';
import type { TallySliceCreator } from './store.ts';

export type IntegrityCheck =
  | { status: 'idle' }
  | { status: 'checking'; report: IntegrityReport | null }
  | { status: 'done'; report: IntegrityReport }
  | { status: 'failed'; message: string; report: IntegrityReport | null };

/** The auditor's views that are not account state: the ledger page on screen and the last integrity check. */
export interface AuditSlice {
  auditHistory: HistoryPage;
  /** The newest ledger id this tab has seen; ids are consecutive, so a jump means rows were missed. */
  newestTransactionId: number;
  /** Rows were missed (a slow tab's dropped rows): the newest page must be fetched again. */
  auditHistoryStale: boolean;
  integrityCheck: IntegrityCheck;
  /** A page from the pager: loading and failure states as they are, a fetched page merged into the one shown. */
  setAuditHistory: (page: HistoryPage) => void;
  /** New ledger rows from a `changes` frame, oldest first. */
  applyAuditTransactions: (transactions: readonly TransactionView[]) => void;
  /** Pauses the live ledger (new rows wait, counted) or resumes it (they go on top). */
  setAuditHistoryPaused: (paused: boolean) => void;
  setIntegrityCheck: (check: IntegrityCheck) => void;
  forgetAudit: () => void;
}

const initialAudit = {
  auditHistory: emptyHistoryPage,
  newestTransactionId: 0,
  auditHistoryStale: false,
  integrityCheck: { status: 'idle' } as IntegrityCheck,
};

export const createAuditSlice: TallySliceCreator<AuditSlice> = (set, get) => ({
  ...initialAudit,
  setAuditHistory: (page) => {
    const state = get();
    const auditHistory = page.status === 'loaded' ? mergeFetchedPage(state.auditHistory, page, historyPageSize) : page;
    const unfilteredNewest = page.beforeId === null && Object.values(page.filter).every((value) => value === undefined);
    const fetchedNewestId = unfilteredNewest ? (page.transactions[0]?.id ?? 0) : 0;
    const fresh = page.beforeId === null && page.status === 'loaded';
    set({
      auditHistory,
      newestTransactionId: Math.max(state.newestTransactionId, fetchedNewestId),
      auditHistoryStale: fresh ? false : state.auditHistoryStale,
    });
  },
  applyAuditTransactions: (transactions) => {
    if (transactions.length === 0) return;
    const state = get();
    const firstId = transactions[0]!.id;
    const lastId = transactions[transactions.length - 1]!.id;
    const missed = state.newestTransactionId > 0 && firstId > state.newestTransactionId + 1;
    const ownerOf = (number: string) => state.accountsByNumber[number]?.ownerUsername;
    set({
      auditHistory: prependLiveRows(state.auditHistory, transactions, ownerOf, historyPageSize),
      newestTransactionId: Math.max(state.newestTransactionId, lastId),
      auditHistoryStale: state.auditHistoryStale || missed,
    });
  },
  setAuditHistoryPaused: (paused) => {
    const shown = get().auditHistory;
    const auditHistory = withPaused(shown, paused, historyPageSize);
    if (auditHistory !== shown) set({ auditHistory });
  },
  setIntegrityCheck: (integrityCheck) => set({ integrityCheck }),
  forgetAudit: () => set(initialAudit),
});
