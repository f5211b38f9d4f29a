/**
 * An online backup of Tally's SQLite database, taken while the server runs, from a connection of
 * its own: SQLite's backup API copies one consistent snapshot (in WAL mode the server keeps
 * committing meanwhile), then the copy is checked before it takes the destination's name.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IntegrityReport } from '../shared/protocol.ts';
import { checkLedger } from '../server/bank/ledger-check.ts';
import { migrations } from '../server/storage/sqlite/migrations.ts';
import { SqliteBankRepository } from '../server/storage/sqlite/bank-repository.ts';

/**
 * Pages copied per backup step: all of them. SQLite restarts a step-wise copy whenever another
 * connection writes between steps, so against a busy server it might never finish; one step reads
 * one snapshot from start to end.
 */
const backupPagesPerStep = 0x7fff_ffff;

export interface BackupRequest {
  databasePath: string;
  destinationPath: string;
  /** Replace an existing destination file. */
  force: boolean;
}

export interface BackupReport {
  destinationPath: string;
  bytes: number;
  pages: number;
  pageBytes: number;
  seconds: number;
  /** The newest commit the copy holds. */
  commitSeq: number;
  ledger: IntegrityReport;
}

/** A backup that cannot be made or whose copy failed its checks; nothing was left at the destination. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export async function backupDatabase(request: BackupRequest): Promise<BackupReport> {
  const { databasePath, destinationPath, force } = request;
  refuseUnsafeDestination(destinationPath, force);
  if (!existsSync(databasePath)) throw new BackupError(`${databasePath} does not exist: give the server's database with --database (or DATABASE_PATH)`);
  const partialPath = `${destinationPath}.partial-${process.pid}`;
  const startedAt = performance.now();
  try {
    const copied = await copySnapshot(databasePath, partialPath);
    const verified = await verifyCopy(partialPath);
    makeDurable(partialPath);
    publish(partialPath, destinationPath, force);
    return {
      destinationPath,
      bytes: statSync(destinationPath).size,
      pages: copied.pages,
      pageBytes: verified.pageBytes,
      seconds: (performance.now() - startedAt) / 1000,
      commitSeq: verified.commitSeq,
      ledger: verified.ledger,
    };
  } finally {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${partialPath}${suffix}`, { force: true });
  }
}

/** A stale -wal or -journal beside the destination would be replayed into the new copy when it is opened. */
function refuseUnsafeDestination(destinationPath: string, force: boolean): void {
  if (existsSync(destinationPath) && !force) throw new BackupError(`${destinationPath} already exists; pass --force to replace it`);
  for (const suffix of ['-wal', '-journal']) {
    if (existsSync(`${destinationPath}${suffix}`)) {
      throw new BackupError(`${destinationPath}${suffix} exists: something has the destination open, or left it unclean; remove it first`);
    }
  }
}

/**
 * The source is only read, but opened read-write: a read-only connection to a stopped server's
 * database would leave behind the -wal and -shm files it had to create, which the last read-write
 * connection removes on close.
 */
async function copySnapshot(databasePath: string, partialPath: string): Promise<{ pages: number }> {
  const source = new Database(databasePath, { fileMustExist: true });
  try {
    const { totalPages } = await source.backup(partialPath, { progress: () => backupPagesPerStep });
    return { pages: totalPages };
  } finally {
    source.close();
  }
}

/**
 * The copy leaves WAL mode (one self-contained file: nothing to forget beside it), must pass
 * SQLite's integrity check, and its ledger must pass the auditor's check (`audit.check`).
 */
export async function verifyCopy(path: string): Promise<{ pageBytes: number; commitSeq: number; ledger: IntegrityReport }> {
  const copy = new Database(path, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const integrity = copy.pragma('integrity_check') as Array<{ integrity_check: string }>;
    if (integrity.length !== 1 || integrity[0]!.integrity_check !== 'ok') {
      throw new BackupError(`the copy failed SQLite's integrity check: ${integrity.map((row) => row.integrity_check).join('; ')}`);
    }
    const schemaVersion = copy.pragma('user_version', { simple: true }) as number;
    if (schemaVersion !== migrations.length) {
      throw new BackupError(`the copy has schema version ${schemaVersion}, this Tally ${migrations.length}: back up with the Tally that serves it`);
    }
    const commitSeq = copy.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'commit_seq'").get()!.value;
    const ledger = await checkLedger(new SqliteBankRepository(copy), commitSeq, new Date());
    if (!ledger.ok) throw new BackupError(`the copy's ledger check failed: ${ledger.problems.join('; ')}`);
    return { pageBytes: copy.pragma('page_size', { simple: true }) as number, commitSeq, ledger };
  } finally {
    copy.close();
  }
}

function makeDurable(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Without force a hard link, which fails rather than replace a file that appeared meanwhile. */
function publish(partialPath: string, destinationPath: string, force: boolean): void {
  try {
    if (force) renameSync(partialPath, destinationPath);
    else linkSync(partialPath, destinationPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(`${destinationPath} already exists; pass --force to replace it`);
    throw error;
  }
  makeDurable(dirname(destinationPath));
}
