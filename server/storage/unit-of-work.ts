import { type Committed, type Operation, type Outcome, fail } from '../operations/outcome.ts';
import { ChangeRecorder, type ChangedEntities } from '../operations/changes.ts';
import { commitBatchAttemptsMax, commitBatchOperationsMax, commitRetryDelayInitialMs } from '../../shared/limits.ts';
import type { RequestKey } from '../requests/request-key.ts';

/** A keyed request's outcome as stored, in the commit that answered it. */
export interface StoredRequestOutcome {
  bodyDigest: Buffer;
  commitSeq: number;
  /** JSON of the Outcome. */
  outcomeJson: string;
}

/**
 * A step of transaction control: an engine that answers at once (embedded SQLite) returns nothing,
 * and the unit of work goes on without yielding; one that runs in a worker thread or over the
 * network (PostgreSQL) returns a promise, and the unit of work waits for it.
 */
export type EngineStep = void | Promise<void>;

/** What a storage engine provides to the unit of work: transaction control and a context per operation. */
export interface TransactionEngine<Context> {
  /**
   * Opens a batch's transaction and answers the sequence number it will commit with. On a
   * database several processes share, that number is taken under a lock held until the batch
   * ends, so numbers follow commit order with no gaps across every process. While a promise it
   * answered is pending, the engine may already be asked to look up outcomes and to prepare: it
   * sends those after the batch's first statements, so they share their round trip.
   */
  begin(): number | Promise<number>;
  savepoint(): EngineStep;
  release(): EngineStep;
  rollbackToSavepoint(): EngineStep;
  /** Stores the sequence number and commits the transaction; it need not be durable yet. */
  commit(seq: number): EngineStep;
  /**
   * Makes every transaction committed before this call durable; settles when it is. Called with
   * at most one call pending; the event loop must stay free meanwhile (no synchronous disk wait).
   */
  durable(): Promise<void>;
  rollback(): EngineStep;
  /** The newest commit this engine knows of (its own, or another process's it has read). */
  lastCommittedSeq(): number;
  /**
   * True for an error after which the batch's transaction was aborted by the database and may be
   * run again unchanged (a deadlock, a lock wait that timed out, a serialization failure).
   */
  isRetryable?(error: unknown): boolean;
  /** Names the database, so positions from another one are recognised (hex). */
  databaseId(): string;
  /** `commitSeq` is the sequence number the transaction will commit with. */
  context(changes: ChangeRecorder, commitSeq: number): Context;
  findRequestOutcome(scope: string, requestId: string): Promise<StoredRequestOutcome | undefined>;
  /**
   * Several keys' stored outcomes in one look (an engine over the network saves a round trip per
   * operation): keyed `scope` NUL `requestId`, missing ones absent. Optional; without it each
   * operation looks its key up alone.
   */
  findRequestOutcomes?(keys: ReadonlyArray<{ scope: string; requestId: string }>): Promise<Map<string, StoredRequestOutcome>>;
  /**
   * The lock keys of operations about to run in the open batch, asked together with their stored
   * outcomes: an engine over the network may read what they name in the same round trip. Optional.
   */
  prepare?(lockKeysPerOperation: ReadonlyArray<readonly string[]>): EngineStep;
  /** Inside the running transaction, so it commits (or not) with the effect. */
  storeRequestOutcome(key: RequestKey, commitSeq: number, outcomeJson: string): Promise<void>;
}

export interface Submission<T> {
  /** Settles once the operation has run inside its savepoint (its locks may then be released). */
  executed: Promise<void>;
  /** Settles once the transaction holding it is durable, or rejects if that commit failed. */
  committed: Promise<Committed<T>>;
}

/**
 * An operation as the unit of work can prepare it: its key, and the locks it holds while it runs
 * (what it will read and write). Known before it is submitted, while it waits for its locks.
 */
export interface Intent {
  readonly requestKey: RequestKey | undefined;
  readonly lockKeys: readonly string[];
}

interface Queued {
  operation: Operation<unknown, unknown>;
  requestKey: RequestKey | undefined;
  intent: Intent;
  /** Batches this operation was in that the database aborted for a retryable reason. */
  abortedAttempts: number;
  markExecuted: () => void;
  resolve: (committed: Committed<unknown>) => void;
  reject: (error: unknown) => void;
}

/** Microtask turns from a lock's release to its next holder's submit (runner, mutex, caller), with margin. */
const lockHandoffMicrotaskTurns = 8;

export class StorageUnavailableError extends Error {
  readonly code = 'server_busy' as const;
}

/** The database kept aborting the batch (deadlocks, lock waits): it was rolled back each time, so nothing was done. */
export class BatchAbortedError extends Error {
  readonly code = 'server_busy' as const;

  constructor(cause: unknown) {
    super(`the database aborted the batch ${commitBatchAttemptsMax} times; nothing was done`, { cause });
  }
}

/** What one durable commit held, besides the entities it changed. */
export interface CommittedBatch {
  /** Operations in the batch, answered from a stored outcome or not. */
  operations: number;
  /** The outcome of every keyed request that ran in this commit (not repeats answered from a stored outcome). */
  outcomes: Array<{ type: string; outcome: Outcome<unknown> }>;
}

export interface UnitOfWorkOptions {
  batchOperationsMax?: number;
  /** Called after every durable commit with the entities it changed and what it held. */
  onCommit: (seq: number, changes: ChangedEntities, batch: CommittedBatch) => void;
  /** Told about an operation that threw (rolled back alone, answered `internal`), with its key if it had one. */
  onOperationError?: (error: unknown, requestKey: RequestKey | undefined) => void;
  /** Told about every other unexpected error: a failed sync, a publishing fault, a failed rollback. */
  onUnexpectedError?: (message: string, error: unknown) => void;
  /** Told how long each sync (the engine's durable()) took, and whether it failed: the commit latency. */
  onSyncEnded?: (durationMs: number, failed: boolean) => void;
  /** Told when the database aborted a batch for a retryable reason and it will run again. */
  onBatchRetried?: (attempt: number, error: unknown) => void;
  /** 0..1, for the retry delay's jitter (tests pass a fixed one). */
  random?: () => number;
}

/**
 * Group commit: every operation submitted during one event-loop turn shares one transaction,
 * each inside its own savepoint so a failing one rolls back alone. Operations run one after
 * another, so each sees the effects of those before it.
 *
 * Durability is a separate step off the event loop: once a batch has committed, the engine makes
 * it durable while the loop keeps reading frames, and what arrives meanwhile queues into the next
 * batch, which runs when the sync ends (one sync in flight, the next batch forming: fewer, larger
 * commits than running batches during the sync, which measured slower). Nothing leaves before the
 * sync: callers are answered, and onCommit publishes, only for durable batches, in commit order;
 * reads answer only once what they saw is durable.
 *
 * Operations submitted while a batch is running (for instance by a caller that was waiting
 * for a lock the previous operation just gave up) join that batch, up to batchOperationsMax.
 */
export class UnitOfWork<Context> {
  readonly #engine: TransactionEngine<Context>;
  /** The engine looks several outcomes up at once or reads ahead: operations are prepared before they run. */
  readonly #prepares: boolean;
  readonly #options: Required<UnitOfWorkOptions>;
  #queue: Queued[] = [];
  /** Operations waiting for their locks: a batch prepares them with the ones queued, since most join it. */
  readonly #expected = new Set<Intent>();
  #scheduled = false;
  #running: Promise<void> | null = null;
  /** Set while waiting to run again a batch the database aborted: nothing else starts meanwhile. */
  #retryTimer: NodeJS.Timeout | null = null;
  #closed = false;
  /** Committed batches not yet durable, oldest first; each answers its callers once it is. */
  #awaitingDurability: CommittedNotDurable[] = [];
  #syncing = false;
  /** The newest seq known durable, answered and published. */
  #durableSeq: number;
  /** Reads waiting for what they saw to be durable. */
  #durabilityWaiters: Array<{ seq: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  /** Set when a sync failed: what the disk holds is unknown from then on, so nothing more is accepted. */
  #syncFailure: unknown = null;

  constructor(engine: TransactionEngine<Context>, options: UnitOfWorkOptions) {
    this.#engine = engine;
    this.#prepares = engine.findRequestOutcomes !== undefined || engine.prepare !== undefined;
    this.#options = {
      batchOperationsMax: commitBatchOperationsMax,
      onOperationError: (error) => console.error('operation failed unexpectedly', error),
      onUnexpectedError: (message, error) => console.error(message, error),
      onSyncEnded: () => {},
      onBatchRetried: () => {},
      random: Math.random,
      ...options,
    };
    if (!(this.#options.batchOperationsMax >= 1)) throw new RangeError('batchOperationsMax must be at least 1');
    this.#durableSeq = engine.lastCommittedSeq();
  }

  /** The newest commit that is durable and published: what a client may be told it has seen. */
  get lastCommittedSeq(): number {
    return this.#durableSeq;
  }

  get databaseId(): string {
    return this.#engine.databaseId();
  }

  /**
   * Tells the unit of work about an operation that will be submitted once it holds its locks, so a
   * batch running meanwhile can prepare it; `submit` it with the answer, or `abandon` it.
   */
  expect(lockKeys: readonly string[], requestKey: RequestKey | undefined): Intent {
    const intent = { requestKey, lockKeys };
    if (this.#prepares) this.#expected.add(intent);
    return intent;
  }

  abandon(intent: Intent): void {
    this.#expected.delete(intent);
  }

  /**
   * With a `requestKey`, the operation runs at most once per key: its outcome, success or refusal,
   * is stored in the same transaction, and a later submission of the key gets that outcome back
   * (or `idempotency_mismatch` when its body differs) without running. The caller makes sure two
   * submissions of one key are never in flight at once.
   */
  submit<T>(operation: Operation<Context, T>, requestKey?: RequestKey, intent: Intent = { requestKey, lockKeys: [] }): Submission<T> {
    this.#expected.delete(intent);
    if (this.#closed || this.#syncFailure !== null) {
      const reason = this.#closed ? 'the server is shutting down' : 'the database could not be made durable';
      const refused = Promise.reject(new StorageUnavailableError(reason));
      refused.catch(() => {});
      return { executed: Promise.resolve(), committed: refused as Promise<Committed<T>> };
    }
    let markExecuted!: () => void;
    const executed = new Promise<void>((resolve) => (markExecuted = resolve));
    const committed = new Promise<Committed<T>>((resolve, reject) => {
      this.#queue.push({
        operation: operation as Operation<unknown, unknown>,
        requestKey,
        intent,
        abortedAttempts: 0,
        markExecuted,
        resolve: resolve as (committed: Committed<unknown>) => void,
        reject,
      });
    });
    this.#schedule();
    return { executed, committed };
  }

  /**
   * Runs a read against committed state only (never in the middle of a batch), and answers once
   * everything it could have seen is durable and published.
   */
  async read<T>(reader: (context: Context) => T | Promise<T>): Promise<T> {
    while (this.#running !== null) await this.#running;
    const seenSeq = this.#engine.lastCommittedSeq();
    const result = await reader(this.#engine.context(new ChangeRecorder(), seenSeq));
    await this.#durableThrough(seenSeq);
    return result;
  }

  /**
   * Another process committed through `seq` (read from the shared database's commit feed): it is
   * durable, so reads that saw it need not wait for a commit of this process to pass it.
   */
  noteCommittedElsewhere(seq: number): void {
    if (seq <= this.#durableSeq) return;
    this.#durableSeq = seq;
    this.#wakeDurabilityWaiters();
  }

  /** Refuses new operations and waits for the ones already submitted to commit and be durable. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running !== null || this.#queue.length > 0 || this.#scheduled || this.#retryTimer !== null) {
      if (this.#running !== null) await this.#running;
      else if (this.#retryTimer !== null) await new Promise<void>((resolve) => setTimeout(resolve, commitRetryDelayInitialMs));
      else {
        this.#schedule();
        // The batch starts on the next turn of the event loop; wait for it to exist.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    await this.#durableThrough(this.#engine.lastCommittedSeq()).catch(() => {});
  }

  #schedule(): void {
    if (this.#scheduled || this.#running !== null || this.#syncing || this.#retryTimer !== null) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#running = this.#runBatch().finally(() => {
        this.#running = null;
        if (this.#queue.length > 0) this.#schedule();
      });
    });
  }

  async #runBatch(): Promise<void> {
    const batch: Array<{ queued: Queued; ran: Ran | undefined }> = [];
    const changes = new ChangeRecorder();
    const looked: LookedUpOutcomes = new Map();
    const prepared = new Set<Intent>();
    let seq: number;
    try {
      const begun = this.#engine.begin();
      if (typeof begun === 'number') seq = begun;
      else if (!this.#prepares) seq = await begun;
      else {
        // The operations queued now are prepared in the same round trip as the batch's opening.
        const preparing = this.#queue.length > 0 ? this.#prepare(this.#queue[0]!, prepared, looked) : undefined;
        preparing?.catch(() => {});
        seq = await begun;
        await preparing;
      }
      while (batch.length < this.#options.batchOperationsMax && (await this.#operationWaiting())) {
        const entry = { queued: this.#queue.shift()!, ran: undefined as Ran | undefined };
        // In the batch before it runs, so that whatever happens it is answered.
        batch.push(entry);
        if (this.#prepares) await this.#prepare(entry.queued, prepared, looked);
        entry.ran = await this.#runOne(entry.queued, changes, seq, looked);
        entry.queued.markExecuted();
      }
      const committed = this.#engine.commit(seq);
      if (committed !== undefined) await committed;
    } catch (error) {
      await this.#safeRollback();
      if (this.#retryLater(batch.map(({ queued }) => queued), error)) return;
      const failure = this.#engine.isRetryable?.(error) === true ? new BatchAbortedError(error) : error;
      for (const { queued } of batch) {
        queued.markExecuted();
        queued.reject(failure);
      }
      return;
    }
    this.#awaitingDurability.push({
      seq,
      answer: () => this.#answer(seq, batch, changes),
      refuse: (error) => {
        for (const { queued } of batch) queued.reject(error);
      },
    });
    this.#syncCommitted();
  }

  /**
   * After the database aborted a batch for a retryable reason, puts its operations back at the head
   * of the queue, in order, and runs them again after a jittered wait that doubles each attempt.
   * False when the error is not retryable or an operation has used up its attempts.
   */
  #retryLater(operations: Queued[], error: unknown): boolean {
    if (this.#engine.isRetryable?.(error) !== true) return false;
    const attempt = Math.max(0, ...operations.map((queued) => queued.abortedAttempts)) + 1;
    if (attempt >= commitBatchAttemptsMax) return false;
    for (const queued of operations) queued.abortedAttempts += 1;
    this.#queue.unshift(...operations);
    this.#options.onBatchRetried(attempt, error);
    const delayMs = commitRetryDelayInitialMs * 2 ** (attempt - 1) * (1 + this.#options.random() / 2);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#schedule();
    }, delayMs);
    return true;
  }

  /** Starts one sync for every batch committed and not yet durable, unless one is running (its end starts the next). */
  #syncCommitted(): void {
    if (this.#syncing || this.#awaitingDurability.length === 0) return;
    const covered = this.#awaitingDurability.splice(0);
    if (this.#syncFailure !== null) return this.#refuseAfterSyncFailure(covered);
    this.#syncing = true;
    const syncStartedAt = performance.now();
    this.#engine.durable().then(
      () => {
        this.#syncing = false;
        this.#options.onSyncEnded(performance.now() - syncStartedAt, false);
        for (const committed of covered) {
          committed.answer();
          this.#durableSeq = Math.max(this.#durableSeq, committed.seq);
        }
        this.#wakeDurabilityWaiters();
        this.#syncCommitted();
        if (this.#queue.length > 0) this.#schedule();
      },
      (error: unknown) => {
        this.#syncing = false;
        this.#options.onSyncEnded(performance.now() - syncStartedAt, true);
        this.#options.onUnexpectedError('making committed batches durable failed; refusing every write from now on', error);
        this.#syncFailure = error;
        this.#refuseAfterSyncFailure(covered);
        this.#syncCommitted();
      },
    );
  }

  #refuseAfterSyncFailure(covered: readonly CommittedNotDurable[]): void {
    const error = new StorageUnavailableError('the database could not be made durable');
    for (const committed of covered) committed.refuse(error);
    for (const waiter of this.#durabilityWaiters.splice(0)) waiter.reject(error);
  }

  #durableThrough(seq: number): Promise<void> {
    if (seq <= this.#durableSeq) return Promise.resolve();
    if (this.#syncFailure !== null) return Promise.reject(new StorageUnavailableError('the database could not be made durable'));
    return new Promise((resolve, reject) => this.#durabilityWaiters.push({ seq, resolve, reject }));
  }

  #wakeDurabilityWaiters(): void {
    if (this.#durabilityWaiters.length === 0) return;
    const waiting = this.#durabilityWaiters;
    this.#durabilityWaiters = [];
    for (const waiter of waiting) {
      if (waiter.seq <= this.#durableSeq) waiter.resolve();
      else this.#durabilityWaiters.push(waiter);
    }
  }

  /** A durable batch: its callers answered, then its changes published. */
  #answer(seq: number, batch: ReadonlyArray<{ queued: Queued; ran: Ran | undefined }>, changes: ChangeRecorder): void {
    const outcomes: CommittedBatch['outcomes'] = [];
    for (const { queued, ran } of batch) {
      queued.resolve({ outcome: ran!.outcome, seq: ran!.replayedSeq ?? seq });
      if (queued.requestKey !== undefined && ran!.ran) outcomes.push({ type: queued.requestKey.type, outcome: ran!.outcome });
    }
    try {
      this.#options.onCommit(seq, changes.toChangedEntities(), { operations: batch.length, outcomes });
    } catch (error) {
      // The commit is durable and its callers answered; a publishing fault must not undo that.
      this.#options.onUnexpectedError('publishing a committed batch failed', error);
    }
  }

  /**
   * True when an operation is queued. When none is, yields a few microtask turns first: a
   * caller woken by the locks the last operation released submits within them, and joining
   * this batch saves it a whole fsync.
   */
  async #operationWaiting(): Promise<boolean> {
    for (let turn = 0; this.#queue.length === 0 && turn < lockHandoffMicrotaskTurns; turn++) await Promise.resolve();
    return this.#queue.length > 0;
  }

  async #runOne(queued: Queued, batchChanges: ChangeRecorder, seq: number, looked: LookedUpOutcomes): Promise<Ran> {
    const key = queued.requestKey;
    if (key !== undefined) {
      const stored = await this.#storedOutcome(key, looked);
      if (stored !== undefined) return replay(key, stored);
    }
    const outcome = await this.#runInSavepoint(queued, batchChanges, seq);
    // After the savepoint: a refusal's rollback must not take its stored answer with it.
    if (key !== undefined) await this.#engine.storeRequestOutcome(key, seq, JSON.stringify(outcome));
    return { outcome, ran: true };
  }

  /**
   * Before an operation runs that was not yet prepared: it, every operation still queued and every
   * one waiting for its locks are prepared together, up to a batch's worth. An engine that can look
   * up several stored outcomes at once is asked for all their keys, and one that reads ahead is
   * given all their lock keys, in one round trip: no outcome can be stored for those keys meanwhile,
   * since a key is in one batch at a time (the runner's in-flight map) and batches on a shared
   * database run one at a time. Operations that wait for locks others in the batch hold join it as
   * those run, already prepared, instead of each wave of them costing a round trip.
   */
  async #prepare(queued: Queued, prepared: Set<Intent>, looked: LookedUpOutcomes): Promise<void> {
    if (prepared.has(queued.intent)) return;
    const group: Intent[] = [];
    for (const intent of this.#candidates(queued)) {
      if (group.length >= this.#options.batchOperationsMax) break;
      if (prepared.has(intent)) continue;
      prepared.add(intent);
      group.push(intent);
    }
    const findMany = this.#engine.findRequestOutcomes?.bind(this.#engine);
    const keys = findMany === undefined ? [] : group.flatMap(({ requestKey }) => (requestKey === undefined || looked.has(outcomeKey(requestKey)) ? [] : [requestKey]));
    await Promise.all([
      keys.length === 0
        ? undefined
        : findMany!(keys).then((found) => {
            for (const each of keys) looked.set(outcomeKey(each), found.get(outcomeKey(each)) ?? null);
          }),
      this.#engine.prepare?.(group.map(({ lockKeys }) => lockKeys)),
    ]);
  }

  /** What #prepare may take, in the order they will likely run: this one, the queue, those waiting for locks. */
  *#candidates(queued: Queued): Generator<Intent> {
    yield queued.intent;
    for (const each of this.#queue) yield each.intent;
    yield* this.#expected;
  }

  /** The key's stored outcome: as #prepare looked it up, or looked up alone. */
  async #storedOutcome(key: RequestKey, looked: LookedUpOutcomes): Promise<StoredRequestOutcome | undefined> {
    const id = outcomeKey(key);
    if (!looked.has(id)) return this.#engine.findRequestOutcome(key.scope, key.requestId);
    return looked.get(id) ?? undefined;
  }

  async #runInSavepoint({ operation, requestKey }: Queued, batchChanges: ChangeRecorder, seq: number): Promise<Outcome<unknown>> {
    const changes = new ChangeRecorder();
    const savepoint = this.#engine.savepoint();
    if (savepoint !== undefined) await savepoint;
    try {
      const outcome = await operation(this.#engine.context(changes, seq));
      if (!outcome.ok) {
        const rolledBack = this.#engine.rollbackToSavepoint();
        if (rolledBack !== undefined) await rolledBack;
        return outcome;
      }
      const released = this.#engine.release();
      if (released !== undefined) await released;
      batchChanges.mergeFrom(changes);
      return outcome;
    } catch (error) {
      const rolledBack = this.#engine.rollbackToSavepoint();
      if (rolledBack !== undefined) await rolledBack;
      this.#options.onOperationError(error, requestKey);
      return fail('internal', 'Something went wrong on the server; nothing was changed.');
    }
  }

  async #safeRollback(): Promise<void> {
    try {
      const rolledBack = this.#engine.rollback();
      if (rolledBack !== undefined) await rolledBack;
    } catch (error) {
      this.#options.onUnexpectedError('rollback after a failed commit also failed', error);
    }
  }
}

/** A batch committed but not yet durable: answered, or refused, once its sync ends. */
interface CommittedNotDurable {
  seq: number;
  answer: () => void;
  refuse: (error: unknown) => void;
}

/** Stored outcomes looked up in this batch by `scope` NUL `requestId`: null when there is none. */
type LookedUpOutcomes = Map<string, StoredRequestOutcome | null>;

export function outcomeKey(key: { scope: string; requestId: string }): string {
  return `${key.scope}\u0000${key.requestId}`;
}

/** What running one queued operation came to; `replayedSeq` when a stored outcome answered it. */
interface Ran {
  outcome: Outcome<unknown>;
  /** True when the operation itself ran (not answered from a stored outcome, nor a key reused for another body). */
  ran?: boolean;
  replayedSeq?: number;
}

/** The answer to a key reused for a different body: never stored, so the original's answer stays. */
export function idempotencyMismatch(requestId: string): Outcome<never> {
  return fail('idempotency_mismatch', `The requestId ${requestId} was already used for a different request; use a new requestId for a new request.`);
}

function replay(key: RequestKey, stored: StoredRequestOutcome): Ran {
  if (!stored.bodyDigest.equals(key.bodyDigest)) return { outcome: idempotencyMismatch(key.requestId) };
  return { outcome: JSON.parse(stored.outcomeJson) as Outcome<unknown>, replayedSeq: stored.commitSeq };
}
