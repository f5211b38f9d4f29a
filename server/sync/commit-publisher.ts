import type { ChangedEntities } from '../operations/changes.ts';
import type { CommittedBatch } from '../storage/unit-of-work.ts';

/**
 * Commits made by other processes on a shared database, read from the database itself. Numbers
 * follow commit order with no gaps (each batch takes its number under a lock held until it
 * commits), so "everything after N" read from a snapshot is complete: a commit numbered at or
 * below the newest one the snapshot holds has already committed and is in it.
 */
export interface CommitFeed {
  /**
   * One snapshot: the latest state of everything changed after `afterSeq`, complete through `seq`
   * (the newest commit in it, or less when `more` says a row limit stopped the read short).
   */
  readSince(afterSeq: number): Promise<FeedRead>;
  /**
   * Calls `onHint` whenever another process may have committed (a hint only: it can be late or
   * lost, so the publisher also reads on a timer). Answers a function that stops watching.
   */
  watch(onHint: () => void): Promise<() => Promise<void>>;
  /**
   * Like `watch`, for sign-outs on other processes: the tabs here holding the ended sessions must be
   * closed, as signed out. `onSignedOut` gets the user who signed out, or null when the hint does not say.
   */
  watchSessionsEnded(onSignedOut: (userId: number | null) => void): Promise<() => Promise<void>>;
  /** After a sign-out of `userId` here committed: wakes the other processes' `watchSessionsEnded`. */
  announceSessionsEnded(userId: number): void;
}

/** One read of the feed: what changed after the reader's position, complete through `seq`. */
export interface FeedRead {
  seq: number;
  changes: ChangedEntities;
  /** The outcome of every keyed request committed in that range, whichever process ran it. */
  outcomes: CommittedBatch['outcomes'];
  /** A row limit stopped the read short of the snapshot's newest commit: read again. */
  more: boolean;
}

export type Publish = (seq: number, changes: ChangedEntities, batch: CommittedBatch) => void;

const noChanges: ChangedEntities = { products: [], accounts: [], transactions: [] };

interface Round {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes every commit to this process's tabs exactly in commit order, its own and other
 * processes' alike, so a tab's position (the newest seq it applied) never passes a commit it has
 * not been sent. A commit of this process that directly follows the last one published goes out
 * from memory at once; when another process's commit may lie between (a gap in the numbers, or a
 * hint), the publisher reads the gap from the feed and publishes it, this process's commits in it
 * included, as one change set. With no feed (one process owns the database) every commit follows
 * the last and nothing is read.
 */
export class CommitPublisher {
  readonly #publish: Publish;
  readonly #feed: CommitFeed | undefined;
  readonly #onError: (error: unknown) => void;
  #publishedSeq: number;
  /** This process's commits waiting for a read of the feed to reach them, with their batches' facts. */
  #waiting: Array<{ seq: number; batch: CommittedBatch }> = [];
  /** The next read of the feed, which starts after every call that asked for it. */
  #nextRound: Round | null = null;
  /** The loop reading rounds, while one runs. */
  #reading: Promise<void> | null = null;
  #stopWatching: (() => Promise<void>) | null = null;
  #pollTimer: NodeJS.Timeout | null = null;

  constructor(options: { publishedSeq: number; publish: Publish; feed?: CommitFeed | undefined; onError: (error: unknown) => void }) {
    this.#publishedSeq = options.publishedSeq;
    this.#publish = options.publish;
    this.#feed = options.feed;
    this.#onError = options.onError;
  }

  /** The newest commit published to this process's tabs. */
  get publishedSeq(): number {
    return this.#publishedSeq;
  }

  /** Starts following other processes' commits: told by hints, and checking every `pollIntervalMs` besides. */
  async start(pollIntervalMs: number): Promise<void> {
    if (this.#feed === undefined) return;
    this.#stopWatching = await this.#feed.watch(() => void this.catchUp().catch(() => {}));
    this.#pollTimer = setInterval(() => void this.catchUp().catch(() => {}), pollIntervalMs);
    this.#pollTimer.unref();
    await this.catchUp();
  }

  async stop(): Promise<void> {
    if (this.#pollTimer !== null) clearInterval(this.#pollTimer);
    this.#pollTimer = null;
    await this.#stopWatching?.();
    this.#stopWatching = null;
    await this.#reading;
  }

  /** A commit of this process, durable and answered. */
  committedHere(seq: number, changes: ChangedEntities, batch: CommittedBatch): void {
    if (seq <= this.#publishedSeq) {
      // A read of the feed already published its changes and its outcomes; its size still counts.
      this.#publish(seq, noChanges, { operations: batch.operations, outcomes: [] });
      return;
    }
    if (this.#reading === null && this.#waiting.length === 0 && seq === this.#publishedSeq + 1) {
      this.#publishedSeq = seq;
      this.#publish(seq, changes, batch);
      return;
    }
    if (this.#feed === undefined) throw new Error(`commit ${seq} does not follow ${this.#publishedSeq} and there is no feed to read the gap from`);
    this.#waiting.push({ seq, batch });
    void this.catchUp().catch(() => {});
  }

  /** Settles once a read of the feed that started after this call has been published. */
  catchUp(): Promise<void> {
    if (this.#feed === undefined) return Promise.resolve();
    const round = this.#nextRoundOrCurrent();
    this.#reading ??= this.#readRounds().finally(() => (this.#reading = null));
    return round;
  }

  #nextRoundOrCurrent(): Promise<void> {
    if (this.#nextRound === null) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((resolveRound, rejectRound) => {
        resolve = resolveRound;
        reject = rejectRound;
      });
      promise.catch(() => {});
      this.#nextRound = { promise, resolve, reject };
    }
    return this.#nextRound.promise;
  }

  async #readRounds(): Promise<void> {
    // Let callers of this turn join the first round.
    await Promise.resolve();
    while (this.#nextRound !== null) {
      const round = this.#nextRound;
      this.#nextRound = null;
      try {
        while (await this.#readOnce());
        round.resolve();
      } catch (error) {
        this.#onError(error);
        round.reject(error);
      }
    }
  }

  /** True when the read stopped short of the newest commit and another should follow. */
  async #readOnce(): Promise<boolean> {
    const { seq, changes, outcomes, more } = await this.#feed!.readSince(this.#publishedSeq);
    if (seq <= this.#publishedSeq) return false;
    const covered = this.#waiting.filter((waiting) => waiting.seq <= seq);
    this.#waiting = this.#waiting.filter((waiting) => waiting.seq > seq);
    this.#publishedSeq = seq;
    // The outcomes come from the database, this process's among them, so none counts twice.
    this.#publish(seq, changes, { operations: covered.reduce((sum, { batch }) => sum + batch.operations, 0), outcomes });
    return more;
  }
}
