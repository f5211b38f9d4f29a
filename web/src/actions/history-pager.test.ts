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
