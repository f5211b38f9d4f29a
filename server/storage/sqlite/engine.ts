import { closeSync, existsSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqliteDatabase } from './database.ts';
import type { RequestKey } from '../../requests/request-key.ts';
import type { StoredRequestOutcome, TransactionEngine } from '../unit-of-work.ts';
import type { ChangeRecorder } from '../../operations/changes.ts';
import type { TallyContext } from '../../operations/context.ts';
import { SqliteBankRepository } from './bank-repository.ts';
import { SqliteUserRepository } from './user-repository.ts';
import { SqliteHealthProbeRepository } from './health-probe-repository.ts';
import { SqliteStoreRepository } from './store-repository.ts';

/**
 * Transaction control for the unit of work on one SQLite connection. A COMMIT only writes the WAL
 * (synchronous=NORMAL, see openDatabase); `durable()` then fdatasyncs the WAL file off the event
 * loop. WAL frames are appended in commit order and a checkpoint syncs the WAL before it copies
 * anything, so one fdatasync started after a COMMIT makes that commit and every earlier one durable.
 */
export class SqliteEngine implements TransactionEngine<TallyContext> {
  readonly #statements;
  readonly #store: SqliteStoreRepository;
  readonly #bank: SqliteBankRepository;
  readonly #users: SqliteUserRepository;
  readonly #healthProbe: SqliteHealthProbeRepository;
  readonly #database: SqliteDatabase;
  #committedSeq: number;
  readonly #databaseId: string;
  /** The WAL file, opened only to fdatasync it; null for an in-memory database, which has none. */
  #walFd: number | null = null;

  constructor(database: SqliteDatabase) {
    this.#database = database;
    this.#statements = {
      begin: database.prepare('BEGIN IMMEDIATE'),
      savepoint: database.prepare('SAVEPOINT operation'),
      release: database.prepare('RELEASE operation'),
      rollbackTo: database.prepare('ROLLBACK TO operation'),
      commit: database.prepare('COMMIT'),
      rollback: database.prepare('ROLLBACK'),
      writeSeq: database.prepare("UPDATE meta SET value = ? WHERE key = 'commit_seq'"),
      readSeq: database.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'commit_seq'"),
      findOutcome: database.prepare<[string, string], { bodyDigest: Buffer; commitSeq: number; outcomeJson: string }>(
        `SELECT body_digest AS bodyDigest, commit_seq AS commitSeq, outcome AS outcomeJson
         FROM request_outcomes WHERE scope = ? AND request_id = ?`,
      ),
      storeOutcome: database.prepare<[string, string, Buffer, number, string]>(
        'INSERT INTO request_outcomes (scope, request_id, body_digest, commit_seq, outcome) VALUES (?, ?, ?, ?, ?)',
      ),
    };
    this.#store = new SqliteStoreRepository(database);
    this.#bank = new SqliteBankRepository(database);
    this.#users = new SqliteUserRepository(database);
    this.#healthProbe = new SqliteHealthProbeRepository(database);
    this.#committedSeq = this.#statements.readSeq.get()!.value;
    const id = database.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'database_id'").get()!.value;
    this.#databaseId = id.toString(16);
    if (!database.memory) this.#walFd = openWal(database.name);
  }

  durable(): Promise<void> {
    const walFd = this.#walFd;
    if (walFd === null) return Promise.resolve();
    return new Promise((resolve, reject) => fdatasync(walFd, (error) => (error === null ? resolve() : reject(error))));
  }

  /** Closes the WAL descriptor; the database connection itself is its owner's to close. */
  close(): void {
    if (this.#walFd !== null) closeSync(this.#walFd);
    this.#walFd = null;
  }

  databaseId(): string {
    return this.#databaseId;
  }

  /** One process owns the file (WAL, BEGIN IMMEDIATE), so the next number is simply the one after its last. */
  begin(): number | Promise<number> {
    this.#statements.begin.run();
    return this.#committedSeq + 1;
  }

  savepoint(): void {
    this.#statements.savepoint.run();
  }

  release(): void {
    this.#statements.release.run();
  }

  rollbackToSavepoint(): void {
    this.#statements.rollbackTo.run();
    this.#statements.release.run();
  }

  commit(seq: number): void {
    if (seq !== this.#committedSeq + 1) throw new Error(`commit seq ${seq} does not follow ${this.#committedSeq}`);
    this.#statements.writeSeq.run(seq);
    this.#statements.commit.run();
    this.#committedSeq = seq;
  }

  rollback(): void {
    // SQLite may already have rolled the transaction back itself (SQLITE_FULL, SQLITE_IOERR).
    if (this.#database.inTransaction) this.#statements.rollback.run();
  }

  lastCommittedSeq(): number {
    return this.#committedSeq;
  }

  async findRequestOutcome(scope: string, requestId: string): Promise<StoredRequestOutcome | undefined> {
    return this.#statements.findOutcome.get(scope, requestId);
  }

  async storeRequestOutcome(key: RequestKey, commitSeq: number, outcomeJson: string): Promise<void> {
    this.#statements.storeOutcome.run(key.scope, key.requestId, key.bodyDigest, commitSeq, outcomeJson);
  }

  context(changes: ChangeRecorder, commitSeq: number): TallyContext {
    return { store: this.#store, bank: this.#bank, users: this.#users, healthProbe: this.#healthProbe, changes, now: () => new Date(), commitSeq };
  }
}

/**
 * The WAL of a database in WAL mode, which SQLite created on the first read (the engine has read
 * by now). Its directory is synced once, so the file's own name is durable too.
 */
function openWal(databasePath: string): number {
  const walPath = `${databasePath}-wal`;
  if (!existsSync(walPath)) throw new Error(`${walPath} does not exist: is the database in WAL mode?`);
  const directoryFd = openSync(dirname(walPath), 'r');
  try {
    fsyncSync(directoryFd);
  } finally {
    closeSync(directoryFd);
  }
  return openSync(walPath, 'r');
}
