import type postgres from 'postgres';
import type { RequestKey } from '../../requests/request-key.ts';
import type { ChangeRecorder } from '../../operations/changes.ts';
import type { TallyContext } from '../../operations/context.ts';
import type { StoredRequestOutcome, TransactionEngine } from '../unit-of-work.ts';
import type { PostgresDatabase } from './database.ts';
import { PostgresBankRepository } from './bank-repository.ts';
import { PostgresHealthProbeRepository } from './health-probe-repository.ts';
import { PostgresStoreRepository } from './store-repository.ts';
import { PostgresUserRepository } from './user-repository.ts';

/**
 * Transaction control for the unit of work on PostgreSQL: each batch runs on one connection
 * reserved from the pool, from BEGIN to COMMIT, each operation in its own savepoint; reads outside
 * a batch use the pool. PostgreSQL answers COMMIT once the commit's WAL is flushed
 * (synchronous_commit, checked at open), so a commit is durable when `commit` settles.
 *
 * One server process per database for now: the sequence number is kept here, as the SQLite engine
 * keeps it. Several processes need one commit order across them (issue 17).
 */
export class PostgresEngine implements TransactionEngine<TallyContext> {
  readonly #pool: PostgresDatabase;
  #batch: postgres.ReservedSql | null = null;
  #committedSeq: number;
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

  async begin(): Promise<void> {
    if (this.#batch !== null) throw new Error('a batch is already open');
    const connection = await this.#pool.reserve();
    try {
      await connection`BEGIN`;
    } catch (error) {
      connection.release();
      throw error;
    }
    this.#batch = connection;
  }

  async savepoint(): Promise<void> {
    await this.#open()`SAVEPOINT operation`;
  }

  async release(): Promise<void> {
    await this.#open()`RELEASE SAVEPOINT operation`;
  }

  async rollbackToSavepoint(): Promise<void> {
    const connection = this.#open();
    await connection`ROLLBACK TO SAVEPOINT operation`;
    await connection`RELEASE SAVEPOINT operation`;
  }

  async commit(seq: number): Promise<void> {
    if (seq !== this.#committedSeq + 1) throw new Error(`commit seq ${seq} does not follow ${this.#committedSeq}`);
    const connection = this.#open();
    await connection`UPDATE meta SET value = ${seq} WHERE key = 'commit_seq'`;
    await connection`COMMIT`;
    this.#committedSeq = seq;
    this.#endBatch();
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

  async findRequestOutcome(scope: string, requestId: string): Promise<StoredRequestOutcome | undefined> {
    const sql = this.#batch ?? this.#pool;
    const [row] = await sql<Array<{ bodyDigest: Buffer; commitSeq: number; outcomeJson: string }>>`
      SELECT body_digest AS "bodyDigest", commit_seq AS "commitSeq", outcome AS "outcomeJson"
      FROM request_outcomes WHERE scope = ${scope} AND request_id = ${requestId}`;
    return row;
  }

  async storeRequestOutcome(key: RequestKey, commitSeq: number, outcomeJson: string): Promise<void> {
    await this.#open()`
      INSERT INTO request_outcomes (scope, request_id, body_digest, commit_seq, outcome)
      VALUES (${key.scope}, ${key.requestId}, ${key.bodyDigest}, ${commitSeq}, ${outcomeJson})`;
  }

  context(changes: ChangeRecorder, commitSeq: number): TallyContext {
    return { store: this.#store, bank: this.#bank, users: this.#users, healthProbe: this.#healthProbe, changes, now: () => new Date(), commitSeq };
  }

  #open(): postgres.ReservedSql {
    if (this.#batch === null) throw new Error('no batch is open');
    return this.#batch;
  }

  #endBatch(): void {
    this.#batch?.release();
    this.#batch = null;
  }
}
