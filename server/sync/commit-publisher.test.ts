import { describe, expect, it } from 'vitest';
import type { ChangedEntities } from '../operations/changes.ts';
import type { ProductView } from '../../shared/protocol.ts';
import type { CommittedBatch } from '../storage/unit-of-work.ts';
import { type CommitFeed, CommitPublisher } from './commit-publisher.ts';

const product = (id: number, version: number): ProductView => ({ id, name: `P${id}`, description: '', emoji: '', priceCents: 100, stock: 10, version });
const changesOf = (...products: ProductView[]): ChangedEntities => ({ products, accounts: [], transactions: [] });
const batchOf = (type: string): CommittedBatch => ({ operations: 1, outcomes: [{ type, outcome: { ok: true, value: null } }] });

/** A feed over a scripted database: `commit` adds a commit as another process would. */
class ScriptedFeed implements CommitFeed {
  readonly commits: Array<{ seq: number; changes: ChangedEntities; outcomes: CommittedBatch['outcomes'] }> = [];
  reads = 0;
  hint: () => void = () => {};
  #gate: Promise<void> | null = null;

  /** `outcomeTypes`: the keyed requests the commit ran, as stored beside it. */
  commit(seq: number, changes: ChangedEntities, ...outcomeTypes: string[]): void {
    this.commits.push({ seq, changes, outcomes: outcomeTypes.flatMap((type) => batchOf(type).outcomes) });
  }

  /** Holds reads until the returned function is called. */
  holdReads(): () => void {
    let open!: () => void;
    this.#gate = new Promise((resolve) => (open = resolve));
    return () => {
      this.#gate = null;
      open();
    };
  }

  async readSince(afterSeq: number) {
    this.reads += 1;
    await this.#gate;
    const newer = this.commits.filter((commit) => commit.seq > afterSeq);
    const seq = Math.max(afterSeq, ...this.commits.map((commit) => commit.seq));
    return { seq, changes: changesOf(...newer.flatMap((commit) => commit.changes.products)), outcomes: newer.flatMap((commit) => commit.outcomes), more: false };
  }

  async watch(onHint: () => void) {
    this.hint = onHint;
    return async () => {};
  }

  async watchSessionsEnded() {
    return async () => {};
  }

  announceSessionsEnded(_userId: number): void {}
}

function harness(publishedSeq: number, feed?: ScriptedFeed) {
  const published: Array<{ seq: number; productIds: number[]; outcomes: string[] }> = [];
  const publisher = new CommitPublisher({
    publishedSeq,
    feed,
    publish: (seq, changes, batch) =>
      published.push({ seq, productIds: changes.products.map((view) => view.id), outcomes: batch.outcomes.map((outcome) => outcome.type) }),
    onError: (error) => {
      throw error;
    },
  });
  return { publisher, published };
}

describe('CommitPublisher', () => {
  it('publishes a commit that follows the last one at once, from memory, without reading', () => {
    const feed = new ScriptedFeed();
    const { publisher, published } = harness(4, feed);
    publisher.committedHere(5, changesOf(product(1, 2)), batchOf('checkout'));
    expect(published).toEqual([{ seq: 5, productIds: [1], outcomes: ['checkout'] }]);
    expect(feed.reads).toBe(0);
    expect(publisher.publishedSeq).toBe(5);
  });

  it('reads the gap before a commit that does not follow, and publishes both in order, once', async () => {
    const feed = new ScriptedFeed();
    const { publisher, published } = harness(4, feed);
    feed.commit(5, changesOf(product(2, 2))); // another process
    feed.commit(6, changesOf(product(1, 2)), 'checkout'); // this one
    publisher.committedHere(6, changesOf(product(1, 2)), batchOf('checkout'));
    expect(published).toEqual([]);
    await publisher.catchUp();
    expect(published).toEqual([{ seq: 6, productIds: [2, 1], outcomes: ['checkout'] }]);
  });

  it('holds its own commits while a read runs, so nothing overtakes an earlier commit', async () => {
    const feed = new ScriptedFeed();
    const { publisher, published } = harness(4, feed);
    feed.commit(5, changesOf(product(2, 2)));
    const open = feed.holdReads();
    const caughtUp = publisher.catchUp();
    await Promise.resolve();
    feed.commit(6, changesOf(product(1, 2)), 'deposit');
    publisher.committedHere(6, changesOf(product(1, 2)), batchOf('deposit'));
    expect(published).toEqual([]);
    open();
    await caughtUp;
    await publisher.catchUp();
    expect(published.map(({ seq }) => seq)).toEqual(published.map(({ seq }) => seq).sort((a, b) => a - b));
    expect(published.at(-1)!.seq).toBe(6);
    expect(published.flatMap(({ outcomes }) => outcomes)).toEqual(['deposit']);
  });

  it('counts the outcomes of a commit a read already published once, from the read, and publishes its changes once', async () => {
    const feed = new ScriptedFeed();
    const { publisher, published } = harness(4, feed);
    feed.commit(5, changesOf(product(1, 2)), 'transfer');
    await publisher.catchUp();
    publisher.committedHere(5, changesOf(product(1, 2)), batchOf('transfer'));
    expect(published).toEqual([
      { seq: 5, productIds: [1], outcomes: ['transfer'] },
      { seq: 5, productIds: [], outcomes: [] },
    ]);
  });

  it('hands on the outcomes other processes committed, for every process\'s dashboard', async () => {
    const feed = new ScriptedFeed();
    const { publisher, published } = harness(4, feed);
    feed.commit(5, changesOf(product(1, 2)), 'checkout', 'deposit');
    await publisher.catchUp();
    expect(published).toEqual([{ seq: 5, productIds: [1], outcomes: ['checkout', 'deposit'] }]);
  });

  it('reads again when hinted, and a catch-up asked during a read waits for a read that starts after it', async () => {
    const feed = new ScriptedFeed();
    const { publisher, published } = harness(0, feed);
    await publisher.start(60_000);
    const open = feed.holdReads();
    feed.hint();
    await Promise.resolve();
    feed.commit(1, changesOf(product(3, 2)));
    const second = publisher.catchUp();
    open();
    await second;
    expect(published.map(({ seq }) => seq)).toEqual([1]);
    await publisher.stop();
  });

  it('with no feed, refuses a commit that does not follow rather than leave a gap', () => {
    const { publisher } = harness(4);
    expect(() => publisher.committedHere(6, changesOf(), batchOf('checkout'))).toThrow(/does not follow 4/);
  });
});
