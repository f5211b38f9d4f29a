import { describe, expect, it } from 'vitest';
import { emptyHistoryPage, type HistoryPage } from '../state/history-page.ts';
import { createHistoryPager, pageTarget, type FetchedPage } from './history-pager.ts';

const page = (overrides: Partial<HistoryPage>): HistoryPage => ({ ...emptyHistoryPage, status: 'loaded', ...overrides });

describe('history paging', () => {
  it('walks older with nextBeforeId and back newer through the pages it came from', () => {
    const newest = page({ nextBeforeId: 81 });
    const second = pageTarget(newest, 'older')!;
    expect(second).toEqual({ filter: {}, beforeId: 81, newerBeforeIds: [null] });
    const third = pageTarget(page({ ...second, nextBeforeId: 61 }), 'older')!;
    expect(third).toEqual({ filter: {}, beforeId: 61, newerBeforeIds: [81, null] });
    expect(pageTarget(page(third), 'newer')).toEqual({ filter: {}, beforeId: 81, newerBeforeIds: [null] });
  });

  it('has nowhere to go past either end', () => {
    expect(pageTarget(page({ nextBeforeId: null }), 'older')).toBeNull();
    expect(pageTarget(page({}), 'newer')).toBeNull();
  });

  it('a new filter starts again from the newest page', () => {
    const deep = page({ beforeId: 40, newerBeforeIds: [60, null], nextBeforeId: 20 });
    expect(pageTarget(deep, 'newest', { kind: 'deposit' })).toEqual({ filter: { kind: 'deposit' }, beforeId: null, newerBeforeIds: [] });
  });

  it('shows only the reply to the latest request', async () => {
    let held = page({});
    const replies: Array<(page: FetchedPage) => void> = [];
    const show = createHistoryPager({
      read: () => held,
      write: (next) => (held = next),
      fetch: () => new Promise((resolve) => replies.push(resolve)),
      owner: () => 2,
    });
    const first = show('newest');
    const second = show('newest', { kind: 'transfer' });
    replies[1]!({ transactions: [], nextBeforeId: 5 });
    await second;
    replies[0]!({ transactions: [], nextBeforeId: 9 });
    await first;
    expect(held.nextBeforeId).toBe(5);
    expect(held.filter).toEqual({ kind: 'transfer' });
    expect(held.status).toBe('loaded');
  });

  it('refreshes the page on screen quietly: no loading state, rows stay until the answer', async () => {
    const shown = page({ nextBeforeId: 3 });
    const written: HistoryPage[] = [];
    let reply: (page: FetchedPage) => void = () => {};
    const show = createHistoryPager({
      read: () => written.at(-1) ?? shown,
      write: (next) => written.push(next),
      fetch: () => new Promise((resolve) => (reply = resolve)),
      owner: () => 2,
    });
    const pending = show('current');
    expect(written).toEqual([]);
    reply({ transactions: [], nextBeforeId: 4 });
    await pending;
    expect(written.map((next) => [next.status, next.nextBeforeId])).toEqual([['loaded', 4]]);
  });

  it('a quiet refresh never overtakes a page being loaded', async () => {
    let held = page({ nextBeforeId: 81 });
    const asked: Array<number | null> = [];
    const replies: Array<(page: FetchedPage) => void> = [];
    const show = createHistoryPager({
      read: () => held,
      write: (next) => (held = next),
      fetch: ({ beforeId }) => {
        asked.push(beforeId);
        return new Promise((resolve) => replies.push(resolve));
      },
      owner: () => 2,
    });
    const older = show('older');
    // Still where it was, rows and all, until the older page arrives.
    expect([held.status, held.beforeId]).toEqual(['loading', null]);
    await show('current');
    replies[0]!({ transactions: [], nextBeforeId: 61 });
    await older;
    expect(asked).toEqual([81]);
    expect([held.status, held.beforeId, held.nextBeforeId]).toEqual(['loaded', 81, 61]);
  });

  it('a new filter empties the page while it loads, and drops rows that waited under the old one', async () => {
    let held = page({ paused: true, pendingCount: 3 });
    const statuses: Array<[string, number]> = [];
    const show = createHistoryPager({
      read: () => held,
      write: (next) => {
        held = next;
        statuses.push([next.status, next.pendingCount]);
      },
      fetch: async () => ({ transactions: [], nextBeforeId: null }),
      owner: () => 2,
    });
    await show('newest', { kind: 'deposit' });
    expect(statuses).toEqual([
      ['loading', 0],
      ['loaded', 0],
    ]);
  });

  it('drops a reply that arrives after its user signed out', async () => {
    let held = page({});
    let owner: number | null = 2;
    let reply: (page: FetchedPage) => void = () => {};
    const show = createHistoryPager({
      read: () => held,
      write: (next) => (held = next),
      fetch: () => new Promise((resolve) => (reply = resolve)),
      owner: () => owner,
    });
    const pending = show('newest');
    owner = null;
    held = emptyHistoryPage;
    reply({ transactions: [], nextBeforeId: 3 });
    await pending;
    expect(held).toBe(emptyHistoryPage);
  });
});
