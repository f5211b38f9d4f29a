import { describe, expect, it } from 'vitest';
import type { TransactionKind, TransactionView } from '../../../shared/protocol.ts';
import { historyPageSize } from '../bank/bank-ui-limits.ts';
import { emptyHistoryPage, type HistoryFilter, type HistoryPage } from './history-page.ts';
import { createTallyStore } from './store.ts';

function transaction(id: number, from: string | null, to: string | null, kind: TransactionKind = 'transfer'): TransactionView {
  return {
    id,
    kind,
    amountCents: 100,
    fromAccountNumber: from,
    toAccountNumber: to,
    username: 'ada',
    createdAt: '2025-11-23T09:41:27.906Z',
    seq: id,
    requestId: `a1b2c3-${id}`,
    entries: [
      { accountNumber: from ?? '000000000195', amountCents: 100 },
      { accountNumber: to ?? '000000000195', amountCents: -100 },
    ],
  };
}

function newestPage(ids: number[], filter: HistoryFilter = {}, full = false): HistoryPage {
  const transactions = ids.map((id) => transaction(id, '204815739688', '317592046862'));
  return { ...emptyHistoryPage, filter, transactions, status: 'loaded', nextBeforeId: full ? ids[ids.length - 1]! : null };
}

const shownIds = (store: ReturnType<typeof createTallyStore>) => store.getState().auditHistory.transactions.map((row) => row.id);

describe('audit slice', () => {
  it('puts new rows on top of the newest page, newest first, each once', () => {
    const store = createTallyStore();
    store.getState().setAuditHistory(newestPage([3, 2, 1]));
    store.getState().applyAuditTransactions([transaction(4, '204815739688', '317592046862'), transaction(5, '317592046862', '204815739688')]);
    store.getState().applyAuditTransactions([transaction(5, '317592046862', '204815739688')]);
    expect(shownIds(store)).toEqual([5, 4, 3, 2, 1]);
    expect(store.getState().newestTransactionId).toBe(5);
  });

  it('keeps a page’s size: rows pushed off the bottom are where the next page starts', () => {
    const store = createTallyStore();
    const ids = Array.from({ length: historyPageSize }, (_, index) => historyPageSize - index);
    store.getState().setAuditHistory(newestPage(ids));
    store.getState().applyAuditTransactions([transaction(historyPageSize + 1, '204815739688', '317592046862')]);
    expect(shownIds(store)).toHaveLength(historyPageSize);
    expect(shownIds(store)[0]).toBe(historyPageSize + 1);
    expect(store.getState().auditHistory.nextBeforeId).toBe(2);
  });

  it('adds only rows the filter lets through', () => {
    const store = createTallyStore();
    store.getState().applyAccounts([
      { number: '317592046862', kind: 'checking', ownerUsername: 'grace', balanceCents: 1, version: 2, openedAt: '' },
    ]);
    store.getState().setAuditHistory(newestPage([1], { username: 'grace', kind: 'transfer' }));
    store.getState().applyAuditTransactions([
      transaction(2, '204815739688', '317592046862'),
      transaction(3, '204815739688', '460271839568'),
      transaction(4, null, '317592046862', 'deposit'),
    ]);
    expect(shownIds(store)).toEqual([2, 1]);

    store.getState().setAuditHistory(newestPage([4], { accountNumber: '317592046862' }));
    store.getState().applyAuditTransactions([transaction(5, '317592046862', '935718260486'), transaction(6, '841620375938', '935718260486')]);
    expect(shownIds(store)).toEqual([5, 4]);
  });

  it('leaves older pages alone', () => {
    const store = createTallyStore();
    store.getState().setAuditHistory({ ...newestPage([10, 9]), beforeId: 11, newerBeforeIds: [null] });
    store.getState().applyAuditTransactions([transaction(30, '204815739688', '317592046862')]);
    expect(shownIds(store)).toEqual([10, 9]);
  });

  it('marks the history stale when the ids jump (rows were dropped for a slow tab)', () => {
    const store = createTallyStore();
    store.getState().setAuditHistory(newestPage([3, 2, 1]));
    store.getState().applyAuditTransactions([transaction(4, '204815739688', '317592046862')]);
    expect(store.getState().auditHistoryStale).toBe(false);
    store.getState().applyAuditTransactions([transaction(9, '204815739688', '317592046862')]);
    expect(store.getState().auditHistoryStale).toBe(true);
    store.getState().setAuditHistory(newestPage([9, 8, 7, 6, 5, 4]));
    expect(store.getState().auditHistoryStale).toBe(false);
  });

  it('paused, keeps the rows shown and counts the new ones; resumed, shows them on top', () => {
    const store = createTallyStore();
    store.getState().setAuditHistory(newestPage([3, 2, 1]));
    store.getState().setAuditHistoryPaused(true);
    store.getState().applyAuditTransactions([transaction(4, '204815739688', '317592046862'), transaction(5, '204815739688', '317592046862')]);
    expect(shownIds(store)).toEqual([3, 2, 1]);
    expect(store.getState().auditHistory.pendingCount).toBe(2);
    expect(store.getState().newestTransactionId).toBe(5);

    store.getState().setAuditHistoryPaused(false);
    expect(shownIds(store)).toEqual([5, 4, 3, 2, 1]);
    expect(store.getState().auditHistory.pendingCount).toBe(0);
  });

  it('keeps each row it shows as the same object, so a row renders once', () => {
    const store = createTallyStore();
    store.getState().setAuditHistory(newestPage([2, 1]));
    const first = store.getState().auditHistory.transactions[0];
    store.getState().applyAuditTransactions([transaction(3, '204815739688', '317592046862')]);
    store.getState().setAuditHistory(newestPage([3, 2, 1]));
    expect(store.getState().auditHistory.transactions[1]).toBe(first);
  });

  it('keeps live rows newer than a newest page fetched from a slightly older commit', () => {
    const store = createTallyStore();
    store.getState().setAuditHistory({ ...newestPage([]), status: 'loading' });
    store.getState().applyAuditTransactions([transaction(7, '204815739688', '317592046862')]);
    store.getState().setAuditHistory(newestPage([6, 5]));
    expect(shownIds(store)).toEqual([7, 6, 5]);
  });
});
