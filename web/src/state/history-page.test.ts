import { describe, expect, it } from 'vitest';
import type { TransactionView } from '../../../shared/protocol.ts';
import { emptyHistoryPage, mergeFetchedPage, prependLiveRows, withPaused, type HistoryPage } from './history-page.ts';

const pageSize = 4;

function row(id: number): TransactionView {
  return {
    id,
    kind: 'transfer',
    amountCents: 100,
    fromAccountNumber: '204815739688',
    toAccountNumber: '317592046862',
    username: 'ada',
    createdAt: '2025-11-23T09:41:27.906Z',
    seq: id,
    requestId: null,
    entries: [
      { accountNumber: '204815739688', amountCents: 100 },
      { accountNumber: '317592046862', amountCents: -100 },
    ],
  };
}

/** A loaded newest page of these ids; `full` when there are older ones. */
function newest(ids: number[], overrides: Partial<HistoryPage> = {}): HistoryPage {
  const full = ids.length === pageSize;
  return { ...emptyHistoryPage, transactions: ids.map(row), status: 'loaded', nextBeforeId: full ? ids[ids.length - 1]! : null, ...overrides };
}

const ids = (page: HistoryPage) => page.transactions.map((transaction) => transaction.id);
const anyOwner = () => undefined;

describe('a live history page', () => {
  it('takes a refetched newest page as an update: new rows on top, the rows shown keep their objects', () => {
    const shown = newest([3, 2, 1]);
    const merged = mergeFetchedPage(shown, newest([5, 4, 3, 2]), pageSize);
    expect(ids(merged)).toEqual([5, 4, 3, 2]);
    expect(merged.transactions[2]).toBe(shown.transactions[0]);
    expect(merged.transactions[3]).toBe(shown.transactions[1]);
    expect(merged.nextBeforeId).toBe(2);
  });

  it('is left as it is (the same object) when a refetch brings nothing new', () => {
    const shown = newest([3, 2, 1]);
    expect(mergeFetchedPage(shown, newest([3, 2, 1]), pageSize)).toBe(shown);
  });

  it('replaces the rows for another page or another filter', () => {
    const shown = newest([9, 8, 7, 6], { paused: true, pending: [row(10)], pendingCount: 1 });
    const older = mergeFetchedPage(shown, { ...newest([5, 4, 3, 2]), beforeId: 6, newerBeforeIds: [null] }, pageSize);
    expect(ids(older)).toEqual([5, 4, 3, 2]);
    expect([older.paused, older.pending, older.pendingCount]).toEqual([true, [], 0]);
    const filtered = mergeFetchedPage(shown, newest([7], { filter: { kind: 'deposit' } }), pageSize);
    expect(ids(filtered)).toEqual([7]);
  });

  it('paused on an older page, shows the newest page when it is asked for again', () => {
    const older = { ...newest([5, 4, 3, 2]), beforeId: 6, newerBeforeIds: [null], paused: true };
    const back = mergeFetchedPage(older, newest([9, 8, 7, 6]), pageSize);
    expect(ids(back)).toEqual([9, 8, 7, 6]);
    expect([back.beforeId, back.paused, back.pendingCount]).toEqual([null, true, 0]);
  });

  it('paused, keeps its rows and counts the new ones; resumed, puts them on top', () => {
    let page = withPaused(newest([3, 2, 1]), true, pageSize);
    page = prependLiveRows(page, [row(4), row(5)], anyOwner, pageSize);
    page = prependLiveRows(page, [row(5), row(6)], anyOwner, pageSize);
    expect(ids(page)).toEqual([3, 2, 1]);
    expect([page.pendingCount, page.pendingCountPartial]).toEqual([3, false]);

    const resumed = withPaused(page, false, pageSize);
    expect(ids(resumed)).toEqual([6, 5, 4, 3]);
    expect(resumed.nextBeforeId).toBe(3);
    expect([resumed.paused, resumed.pending, resumed.pendingCount]).toEqual([false, [], 0]);
  });

  it('paused, holds at most a page of new rows but counts them all', () => {
    let page = withPaused(newest([1]), true, pageSize);
    page = prependLiveRows(page, [2, 3, 4, 5, 6, 7].map(row), anyOwner, pageSize);
    expect(page.pending.map((transaction) => transaction.id)).toEqual([7, 6, 5, 4]);
    expect(page.pendingCount).toBe(6);
    const resumed = withPaused(page, false, pageSize);
    expect(ids(resumed)).toEqual([7, 6, 5, 4]);
    expect(resumed.nextBeforeId).toBe(4);
  });

  it('paused, counts from refetches too, and says when the count is only a lower bound', () => {
    let page = withPaused(newest([3, 2, 1]), true, pageSize);
    page = mergeFetchedPage(page, newest([5, 4, 3, 2]), pageSize);
    expect([page.pendingCount, page.pendingCountPartial]).toEqual([2, false]);
    // A whole page of new rows: there may be more that no refetch saw.
    page = mergeFetchedPage(page, newest([12, 11, 10, 9]), pageSize);
    expect(ids(page)).toEqual([3, 2, 1]);
    expect([page.pendingCount, page.pendingCountPartial]).toEqual([6, true]);
    expect(ids(withPaused(page, false, pageSize))).toEqual([12, 11, 10, 9]);
  });
});
