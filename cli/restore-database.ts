/**
 * Restores a backup as Tally's database, with the server stopped. The backup is copied beside the
 * database, checked as backup checks its copies, and given a new random `databaseId`, so that every
 * tab that tries to resume against it is told `resync_required` and takes a fresh snapshot instead of
 * trusting positions that meant other commits. Only then does it take the database's name.
 *
 * "The server is stopped" is checked, not assumed: a connection in WAL mode holds a shared lock on
 * the database file for as long as it is open (the server's connections always are), so an exclusive
 * lock on the file can only be had when no other process has the database open. The restore takes
 * that lock (`locking_mode = EXCLUSIVE`, then `BEGIN EXCLUSIVE`) and holds it until the restored file
 * has the name.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IntegrityReport } from '../shared/protocol.ts';
import { migrations } from '../server/storage/sqlite/migrations.ts';
import { BackupError, verifyCopy } from './backup-database.ts';

/** Pages copied per backup step: all of them (the source is a backup file nothing else writes). */
const backupPagesPerStep = 0x7fff_ffff;

export interface RestoreRequest {
  /** The backup file to restore; it is only read. */
  backupPath: string;
  /** The server's database file, which the restored copy becomes. */
  databasePath: string;
  /** Replace an existing database. */
  force: boolean;
}

export interface RestoreReport {
  databasePath: string;
  bytes: number;
  /** The databaseId the backup carried (the one the tabs of its day know), in the welcome's hex. */
  backupDatabaseId: string;
  /** The new databaseId the restored database carries. */
  databaseId: string;
  /** The databaseId of the database that was replaced; null when there was none (or it had none). */
  replacedDatabaseId: string | null;
  replaced: boolean;
  /** The newest commit the restored database holds. */
  commitSeq: number;
  ledger: IntegrityReport;
}

/** A restore that was refused or failed before the database was replaced: nothing was changed. */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

export async function restoreDatabase(request: RestoreRequest): Promise<RestoreReport> {
  const { backupPath, databasePath, force } = request;
  if (!existsSync(backupPath)) throw new RestoreError(`${backupPath} does not exist`);
  const replacing = existsSync(databasePath);
  if (replacing && isSameFile(backupPath, databasePath)) throw new RestoreError(`${backupPath} is the database itself`);
  if (replacing && !force) throw new RestoreError(`${databasePath} already exists; pass --force to replace it (with the server stopped)`);
  if (!replacing) refuseLeftovers(databasePath);
  mkdirSync(dirname(databasePath), { recursive: true });
  const partialPath = `${databasePath}.restoring-${process.pid}`;
  try {
    await copyBackup(backupPath, partialPath);
    const ids = giveNewDatabaseId(partialPath, backupPath);
    let verified;
    try {
      verified = await verifyCopy(partialPath);
    } catch (error) {
      if (error instanceof BackupError) throw new RestoreError(`${backupPath} fails its checks: ${error.message}`);
      throw error;
    }
    syncPath(partialPath);
    const replacedDatabaseId = replacing ? replaceDatabase(partialPath, databasePath) : publishDatabase(partialPath, databasePath);
    return {
      databasePath,
      bytes: statSync(databasePath).size,
      backupDatabaseId: hex(ids.backupDatabaseId),
      databaseId: hex(ids.databaseId),
      replacedDatabaseId: replacedDatabaseId === null ? null : hex(replacedDatabaseId),
      replaced: replacing,
      commitSeq: verified.commitSeq,
      ledger: verified.ledger,
    };
  } finally {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${partialPath}${suffix}`, { force: true });
  }
}

/** 48 random bits, as the migration that introduced the databaseId draws them. */
export function drawDatabaseId(): number {
  return randomBytes(6).readUIntBE(0, 6);
}

function hex(databaseId: number): string {
  return databaseId.toString(16);
}

function isSameFile(a: string, b: string): boolean {
  const [first, second] = [statSync(a), statSync(b)];
  return first.dev === second.dev && first.ino === second.ino;
}

/** With no database, a -wal or -journal by its name is a leftover SQLite would replay into the restored file. */
function refuseLeftovers(databasePath: string): void {
  for (const suffix of ['-wal', '-journal']) {
    if (existsSync(`${databasePath}${suffix}`)) {
      throw new RestoreError(`${databasePath}${suffix} exists without its database: something has it open, or left it unclean; remove it first`);
    }
  }
}

/** SQLite's backup API from a read-only connection: the backup file is never changed. */
async function copyBackup(backupPath: string, partialPath: string): Promise<void> {
  const source = new Database(backupPath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(partialPath, { progress: () => backupPagesPerStep });
  } finally {
    source.close();
  }
}

/** The copy leaves WAL mode, must have this Tally's schema, and gets a databaseId unlike the backup's. */
function giveNewDatabaseId(partialPath: string, backupPath: string): { backupDatabaseId: number; databaseId: number } {
  const copy = new Database(partialPath, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const schemaVersion = copy.pragma('user_version', { simple: true }) as number;
    if (schemaVersion !== migrations.length) {
      throw new RestoreError(`${backupPath} has schema version ${schemaVersion}, this Tally ${migrations.length}: restore it with the Tally that made it`);
    }
    const backupDatabaseId = copy.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'database_id'").get()!.value;
    let databaseId = drawDatabaseId();
    while (databaseId === backupDatabaseId) databaseId = drawDatabaseId();
    copy.prepare("UPDATE meta SET value = ? WHERE key = 'database_id'").run(databaseId);
    return { backupDatabaseId, databaseId };
  } finally {
    copy.close();
  }
}

/**
 * Replaces an existing database, which no other process may have open. Under the exclusive lock the
 * old file leaves WAL mode, which folds its -wal into it and deletes it (a stale -wal beside the
 * restored file would be replayed into it); its -shm, which no one else can be using, is deleted;
 * then the restored copy is renamed onto the name. The lock is let go only after that. Returns the
 * replaced database's databaseId.
 */
function replaceDatabase(partialPath: string, databasePath: string): number | null {
  const current = lockExclusively(databasePath);
  try {
    const replacedDatabaseId = readDatabaseId(current);
    current.pragma('journal_mode = DELETE');
    for (const suffix of ['-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
    renameSync(partialPath, databasePath);
    syncPath(dirname(databasePath));
    return replacedDatabaseId;
  } finally {
    current.close();
  }
}

/**
 * `locking_mode = EXCLUSIVE` keeps every lock the connection takes until it closes, and in WAL mode
 * makes it take an exclusive lock on the database file before its first read. Every other connection
 * to a database in WAL mode holds a shared lock on the file while it is open, so this fails (SQLITE_BUSY)
 * while a server has the database open, busy or idle.
 */
function lockExclusively(databasePath: string): Database.Database {
  const connection = new Database(databasePath, { fileMustExist: true, timeout: 0 });
  try {
    connection.pragma('locking_mode = EXCLUSIVE');
    connection.exec('BEGIN EXCLUSIVE');
    connection.exec('COMMIT');
    return connection;
  } catch (error) {
    connection.close();
    const code = (error as { code?: string }).code;
    if (code?.startsWith('SQLITE_BUSY')) {
      throw new RestoreError(`${databasePath} is open in another process (is the Tally server running?): stop it, then restore`);
    }
    if (code === 'SQLITE_NOTADB') throw new RestoreError(`${databasePath} is not a SQLite database: move it away yourself if it is to be replaced`);
    throw error;
  }
}

function readDatabaseId(connection: Database.Database): number | null {
  try {
    return connection.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'database_id'").get()?.value ?? null;
  } catch {
    return null;
  }
}

/** A hard link fails rather than replace a database that appeared meanwhile. */
function publishDatabase(partialPath: string, databasePath: string): null {
  try {
    linkSync(partialPath, databasePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new RestoreError(`${databasePath} appeared while restoring; nothing was replaced`);
    throw error;
  }
  syncPath(dirname(databasePath));
  return null;
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
