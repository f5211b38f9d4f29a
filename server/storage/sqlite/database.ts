import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations.ts';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) Tally's SQLite database with the settings durability depends on:
 * WAL so readers never block the writer, and foreign keys enforced. Then brings the schema up to date.
 *
 * synchronous=NORMAL: a COMMIT writes its WAL frames but does not fsync them, so the event loop
 * never waits for the disk. Durability is the engine's separate step (SqliteEngine.durable: an
 * fdatasync of the WAL on libuv's thread pool), and nothing is answered or published before it.
 * SQLite itself still syncs the WAL before each checkpoint and the database file after it.
 */
export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  assertPragma(database, 'synchronous', 1);
  migrate(database);
  return database;
}

function assertPragma(database: SqliteDatabase, name: string, expected: number | string): void {
  const actual = database.pragma(name, { simple: true });
  if (actual !== expected) throw new Error(`SQLite pragma ${name} is ${String(actual)}, expected ${expected}`);
}

function migrate(database: SqliteDatabase): void {
  const applied = database.pragma('user_version', { simple: true }) as number;
  if (applied > migrations.length) {
    throw new Error(
      `database schema version ${applied} is newer than this server knows (${migrations.length}); upgrade Tally`,
    );
  }
  for (let version = applied; version < migrations.length; version += 1) {
    database.transaction(() => {
      const migration = migrations[version]!;
      if (typeof migration === 'string') database.exec(migration);
      else migration(database);
      database.pragma(`user_version = ${version + 1}`);
    })();
  }
}
