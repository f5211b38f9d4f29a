import type postgres from 'postgres';
import type { RequestKey } from '../../requests/request-key.ts';
import type { ChangeRecorder } from '../../operations/changes.ts';
import type { TallyContext } from '../../operations/context.ts';
import { type StoredRequestOutcome, type TransactionEngine, outcomeKey } from '../unit-of-work.ts';
import type { PostgresDatabase } from './database.ts';
import { PostgresBankRepository } from './bank-repository.ts';
import { PostgresHealthProbeRepository } from './health-probe-repository.ts';
import { PostgresStoreRepository } from './store-repository.ts';
import { PostgresUserRepository } from './user-repository.ts';
import { PostgresCommitFeed } from './commit-feed.ts';
import { accountNumberOfLockKey } from '../../bank/account-lock-key.ts';
import { drawAccountNumber } from '../../bank/account-number-draw.ts';
import { type HeldBatch, WriteBehindBatch, isEmpty, writeHeld, type HeldWrites } from './write-behind.ts';

/** SQLSTATEs after which PostgreSQL has aborted the transaction and running it again may succeed. */
const retryableStates = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
]);

/**
 * Transaction control for the unit of work on PostgreSQL: each batch runs on one connection
 * reserved from the pool, from BEGIN to COMMIT, each operation in its own savepoint (kept in
 * memory, with the money movements the batch holds until COMMIT, until the operation sends a
 * statement of its own: write-behind.ts); reads outside a batch use the pool. PostgreSQL answers COMMIT once the commit's WAL is flushed
 * (synchronous_commit, checked at open), so a commit is durable when `commit` settles.
 *
 * Several server processes may share the database. Each batch first locks the `commit_seq` row of
 * `meta` and holds it until COMMIT: its number is the one after the last committed anywhere, and
 * batches commit one at a time across processes, in number order, with no gap (an aborted batch
 * frees its number with the lock). The cost: batches run one at a time across the cluster, so a
 * batch's row locks can never wait on another batch's, and no deadlock can form between them.
 * `feed` reads the other processes' commits in that order.
 */
export class PostgresEngine implements TransactionEngine<TallyContext> {
  readonly #pool: PostgresDatabase;
  #batch: postgres.ReservedSql | null = null;
  /** While a batch opens: settles once its connection is reserved and its first statements are sent. */
  #opening: Promise<postgres.ReservedSql> | null = null;
  /** What the open batch read and wrote in memory (write-behind.ts), with its connection. */
  #held: HeldBatch | null = null;
  #batchSeq = 0;
  /** True once the running operation's savepoint was sent: it sent a statement of its own. */
  #savepointSent = false;
  /** The first error of a statement sent without waiting in the open batch. */
  #sentFailure: unknown = null;
  /** The newest commit this process made or read from the feed. */
  #committedSeq: number;
  readonly feed: PostgresCommitFeed;
  readonly #databaseId: string;
  readonly #store: PostgresStoreRepository;
  readonly #bank: PostgresBankRepository;
  readonly #users: PostgresUserRepository;
  readonly #healthProbe: PostgresHealthProbeRepository;

  private constructor(pool: PostgresDatabase, committedSeq: number, databaseId: string) {
    this.#pool = pool;
    this.#committedSeq = committedSeq;
    this.#databaseId = databaseId;
    // Inside a batch, a statement a repository sends first writes what the batch holds in memory.
    const query = () => (this.#batch === null ? this.#pool : this.#direct());
    this.#store = new PostgresStoreRepository(query);
    this.#bank = new PostgresBankRepository(query, drawAccountNumber, () => this.#held);
    this.#users = new PostgresUserRepository(query);
    this.#healthProbe = new PostgresHealthProbeRepository(query);
    this.feed = new PostgresCommitFeed(pool, databaseId, (seq) => (this.#committedSeq = Math.max(this.#committedSeq, seq)));
  }

  /** `pool` comes from openPostgres (migrated). Refuses a server that would acknowledge commits before they are durable. */
  static async open(pool: PostgresDatabase): Promise<PostgresEngine> {
    const [{ synchronous_commit: synchronousCommit }] = (await pool`SHOW synchronous_commit`) as unknown as [{ synchronous_commit: string }];
    if (synchronousCommit === 'off') {
      throw new Error('PostgreSQL has synchronous_commit = off: a COMMIT would be acknowledged before it is durable; turn it on for Tally');
    }
    const rows = await pool<Array<{ key: string; value: number }>>`SELECT key, value FROM meta WHERE key IN ('commit_seq', 'database_id')`;
    const value = (key: string) => {
      const row = rows.find((candidate) => candidate.key === key);
      if (row === undefined) throw new Error(`the database has no ${key}: was it migrated?`);
      return row.value;
    };
    return new PostgresEngine(pool, value('commit_seq'), value('database_id').toString(16));
  }

  databaseId(): string {
    return this.#databaseId;
  }

  async begin(): Promise<number> {
    if (this.#batch !== null || this.#opening !== null) throw new Error('a batch is already open');
    let locked!: Promise<[unknown, Array<{ value: number }>]>;
    this.#opening = this.#pool.reserve().then((connection) => {
      this.#batch = connection;
      this.#held = { writes: new WriteBehindBatch(), connection };
      // Sent together, and ahead of whatever prepare sends: one round trip. The lock waits while
      // another process's batch holds the row.
      locked = Promise.all([connection`BEGIN`, connection<Array<{ value: number }>>`SELECT value FROM meta WHERE key = 'commit_seq' FOR UPDATE`]);
      return connection;
    });
    try {
      await this.#opening;
      const [, [row]] = await locked;
      this.#batchSeq = row!.value + 1;
      return this.#batchSeq;
    } finally {
      this.#opening = null;
    }
  }

  /**
   * Reads in one look the accounts the batch's operations lock (and the cash account), and takes a
   * ledger transaction id for each operation that names an account, so that a money operation
   * runs on what the batch holds, with no round trip of its own.
   */
  async prepare(lockKeysPerOperation: ReadonlyArray<readonly string[]>): Promise<void> {
    await this.#opening;
    if (this.#held === null) return;
    const numbers = new Set<string>();
    let movers = 0;
    for (const keys of lockKeysPerOperation) {
      const named = keys.flatMap((key) => accountNumberOfLockKey(key) ?? []);
      if (named.length > 0) movers += 1;
      for (const number of named) numbers.add(number);
    }
    if (movers > 0) await this.#bank.readAhead([...numbers], movers);
  }

  // Transaction control inside a batch is sent without waiting for its answer: the connection runs
  // statements in order, so the next one queues behind it in the same round trip. An error it gets
  // aborts the transaction, which fails every later statement and turns COMMIT into ROLLBACK
  // (refused below); the first such error is kept to say why.
  //
  // An operation that runs wholly on what the batch holds sends nothing: its savepoint is one in
  // memory. The real one is sent just before its first statement (#direct).

  savepoint(): void {
    this.#heldBatch().writes.beginOperation();
    this.#savepointSent = false;
  }

  release(): void {
    if (this.#savepointSent) this.#send(this.#open()`RELEASE SAVEPOINT operation`);
    this.#savepointSent = false;
    this.#heldBatch().writes.endOperation(true);
  }

  rollbackToSavepoint(): void {
    this.#heldBatch().writes.endOperation(false);
    if (this.#savepointSent) {
      const connection = this.#open();
      this.#send(connection`ROLLBACK TO SAVEPOINT operation`);
      this.#send(connection`RELEASE SAVEPOINT operation`);
    }
    this.#savepointSent = false;
  }

  async commit(seq: number): Promise<void> {
    const connection = this.#open();
    const held = this.#heldBatch().writes.takeWrites();
    const statements = [
      ...(isEmpty(held) ? [] : [writeHeld(connection, held, seq)]),
      connection`UPDATE meta SET value = ${seq} WHERE key = 'commit_seq'`,
      connection`COMMIT`,
    ];
    const answers = await Promise.all(statements).catch((error: unknown) => {
      throw this.#sentFailure ?? error;
    });
    const committed = answers.at(-1)!;
    // PostgreSQL answers COMMIT of a transaction an error had aborted with ROLLBACK, not an error.
    if (committed.command !== 'COMMIT') {
      throw this.#sentFailure ?? new Error(`PostgreSQL rolled batch ${seq} back at COMMIT (${committed.command})`);
    }
    this.#committedSeq = Math.max(this.#committedSeq, seq);
    this.#endBatch();
    this.feed.announce(seq);
  }

  /** COMMIT has already waited for the WAL flush. */
  durable(): Promise<void> {
    return Promise.resolve();
  }

  async rollback(): Promise<void> {
    const connection = this.#batch;
    if (connection === null) return;
    try {
      await connection`ROLLBACK`;
    } finally {
      this.#endBatch();
    }
  }

  lastCommittedSeq(): number {
    return this.#committedSeq;
  }

  isRetryable(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && retryableStates.has(code);
  }

  async findRequestOutcome(scope: string, requestId: string): Promise<StoredRequestOutcome | undefined> {
    const held = this.#held?.writes.heldOutcome(scope, requestId);
    if (held !== undefined) return held;
    const sql = this.#batch ?? this.#pool;
    const [row] = await sql<Array<{ bodyDigest: Buffer; commitSeq: number; outcomeJson: string }>>`
      SELECT body_digest AS "bodyDigest", commit_seq AS "commitSeq", outcome AS "outcomeJson"
      FROM request_outcomes WHERE scope = ${scope} AND request_id = ${requestId}`;
    return row;
  }

  async findRequestOutcomes(keys: ReadonlyArray<{ scope: string; requestId: string }>): Promise<Map<string, StoredRequestOutcome>> {
    const sql = (await this.#opening) ?? this.#batch ?? this.#pool;
    const rows = await sql<Array<{ scope: string; requestId: string; bodyDigest: Buffer; commitSeq: number; outcomeJson: string }>>`
      SELECT scope, request_id AS "requestId", body_digest AS "bodyDigest", commit_seq AS "commitSeq", outcome AS "outcomeJson"
      FROM request_outcomes
      WHERE (scope, request_id) IN (SELECT * FROM unnest(${keys.map((key) => key.scope)}::text[], ${keys.map((key) => key.requestId)}::text[]))`;
    const found = new Map(rows.map(({ scope, requestId, ...stored }) => [outcomeKey({ scope, requestId }), stored]));
    for (const key of keys) {
      const held = this.#held?.writes.heldOutcome(key.scope, key.requestId);
      if (held !== undefined) found.set(outcomeKey(key), held);
    }
    return found;
  }

  /** Held with the batch's other writes: written in the statement before COMMIT, so it commits with the effect or not at all. */
  async storeRequestOutcome(key: RequestKey, commitSeq: number, outcomeJson: string): Promise<void> {
    this.#heldBatch().writes.storeOutcome(key, commitSeq, outcomeJson);
  }

  context(changes: ChangeRecorder, commitSeq: number): TallyContext {
    return { store: this.#store, bank: this.#bank, users: this.#users, healthProbe: this.#healthProbe, changes, now: () => new Date(), commitSeq };
  }

  #open(): postgres.ReservedSql {
    if (this.#batch === null) throw new Error('no batch is open');
    return this.#batch;
  }

  #heldBatch(): HeldBatch {
    if (this.#held === null) throw new Error('no batch is open');
    return this.#held;
  }

  /**
   * The batch's connection for a statement of a repository's own, which may read or write anything:
   * first the running operation's savepoint, if not sent yet (what the batch held before the
   * operation is written ahead of it), then everything else the batch holds, so the statement sees it.
   */
  #direct(): postgres.ReservedSql {
    const connection = this.#open();
    const { writes } = this.#heldBatch();
    if (writes.inOperation && !this.#savepointSent) {
      this.#sendWrites(connection, writes.takeWritesBeforeOperation());
      this.#send(connection`SAVEPOINT operation`);
      this.#savepointSent = true;
    }
    this.#sendWrites(connection, writes.takeWrites());
    return connection;
  }

  #sendWrites(connection: postgres.ReservedSql, writes: HeldWrites): void {
    if (!isEmpty(writes)) this.#send(writeHeld(connection, writes, this.#batchSeq));
  }

  #send(statement: postgres.PendingQuery<postgres.Row[]>): void {
    statement.execute().catch((error: unknown) => {
      this.#sentFailure ??= error;
    });
  }

  #endBatch(): void {
    this.#batch?.release();
    this.#batch = null;
    this.#held = null;
    this.#savepointSent = false;
    this.#sentFailure = null;
  }
}
