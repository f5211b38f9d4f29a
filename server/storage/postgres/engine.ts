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

/** SQLSTATEs after which PostgreSQL has aborted the transaction and running it again may succeed. */
const retryableStates = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
]);

/**
 * Transaction control for the unit of work on PostgreSQL: each batch runs on one connection
 * reserved from the pool, from BEGIN to COMMIT, each operation in its own savepoint; reads outside
 * a batch use the pool. PostgreSQL answers COMMIT once the commit's WAL is flushed
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
    const query = () => this.#batch ?? this.#pool;
    this.#store = new PostgresStoreRepository(query);
    this.#bank = new PostgresBankRepository(query);
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
    if (this.#batch !== null) throw new Error('a batch is already open');
    const connection = await this.#pool.reserve();
    this.#batch = connection;
    // Sent together: one round trip. The lock waits while another process's batch holds the row.
    const [, [row]] = await Promise.all([
      connection`BEGIN`,
      connection<Array<{ value: number }>>`SELECT value FROM meta WHERE key = 'commit_seq' FOR UPDATE`,
    ]);
    return row!.value + 1;
  }

  // Transaction control inside a batch is sent without waiting for its answer: the connection runs
  // statements in order, so the next one queues behind it in the same round trip. An error it gets
  // aborts the transaction, which fails every later statement and turns COMMIT into ROLLBACK
  // (refused below); the first such error is kept to say why.

  savepoint(): void {
    this.#send(this.#open()`SAVEPOINT operation`);
  }

  release(): void {
    this.#send(this.#open()`RELEASE SAVEPOINT operation`);
  }

  rollbackToSavepoint(): void {
    const connection = this.#open();
    this.#send(connection`ROLLBACK TO SAVEPOINT operation`);
    this.#send(connection`RELEASE SAVEPOINT operation`);
  }

  async commit(seq: number): Promise<void> {
    const connection = this.#open();
    const [, committed] = await Promise.all([connection`UPDATE meta SET value = ${seq} WHERE key = 'commit_seq'`, connection`COMMIT`]).catch((error: unknown) => {
      throw this.#sentFailure ?? error;
    });
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
    const sql = this.#batch ?? this.#pool;
    const [row] = await sql<Array<{ bodyDigest: Buffer; commitSeq: number; outcomeJson: string }>>`
      SELECT body_digest AS "bodyDigest", commit_seq AS "commitSeq", outcome AS "outcomeJson"
      FROM request_outcomes WHERE scope = ${scope} AND request_id = ${requestId}`;
    return row;
  }

  async findRequestOutcomes(keys: ReadonlyArray<{ scope: string; requestId: string }>): Promise<Map<string, StoredRequestOutcome>> {
    const sql = this.#batch ?? this.#pool;
    const rows = await sql<Array<{ scope: string; requestId: string; bodyDigest: Buffer; commitSeq: number; outcomeJson: string }>>`
      SELECT scope, request_id AS "requestId", body_digest AS "bodyDigest", commit_seq AS "commitSeq", outcome AS "outcomeJson"
      FROM request_outcomes
      WHERE (scope, request_id) IN (SELECT * FROM unnest(${keys.map((key) => key.scope)}::text[], ${keys.map((key) => key.requestId)}::text[]))`;
    return new Map(rows.map(({ scope, requestId, ...stored }) => [outcomeKey({ scope, requestId }), stored]));
  }

  /** Sent without waiting, like transaction control: it commits with the batch or the batch fails. */
  async storeRequestOutcome(key: RequestKey, commitSeq: number, outcomeJson: string): Promise<void> {
    this.#send(this.#open()`
      INSERT INTO request_outcomes (scope, request_id, body_digest, commit_seq, outcome, request_type)
      VALUES (${key.scope}, ${key.requestId}, ${key.bodyDigest}, ${commitSeq}, ${outcomeJson}, ${key.type})`);
  }

  context(changes: ChangeRecorder, commitSeq: number): TallyContext {
    return { store: this.#store, bank: this.#bank, users: this.#users, healthProbe: this.#healthProbe, changes, now: () => new Date(), commitSeq };
  }

  #open(): postgres.ReservedSql {
    if (this.#batch === null) throw new Error('no batch is open');
    return this.#batch;
  }

  #send(statement: postgres.PendingQuery<postgres.Row[]>): void {
    statement.execute().catch((error: unknown) => {
      this.#sentFailure ??= error;
    });
  }

  #endBatch(): void {
    this.#batch?.release();
    this.#batch = null;
    this.#sentFailure = null;
  }
}
