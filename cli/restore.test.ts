/** cli/restore.ts end to end: its own process, restoring a backup that real servers wrote, then served by a real server process. */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLedger } from '../server/bank/ledger-check.ts';
import { SqliteBankRepository } from '../server/storage/sqlite/bank-repository.ts';
import { openAccount, registerUser, testPassword } from '../test/support/bank-fixtures.ts';
import { spawnServer, type ServerProcess } from '../test/support/server-process.ts';
import { TestClient, type Reply } from '../test/support/test-client.ts';
import { startTestServer, testAuditorPassword } from '../test/support/test-server.ts';
import { backupDatabase } from './backup-database.ts';
import { runScript } from './test-support.ts';

let directory: string | undefined;
const servers: ServerProcess[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const server of servers.splice(0)) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

const serverEnv = { TALLY_AUDITOR_PASSWORD: testAuditorPassword };
const transfersBeforeBackup = 5;
const transfersAfterBackup = 5;

function newDirectory(): string {
  directory = mkdtempSync(join(tmpdir(), 'tally-restore-'));
  return directory;
}

interface Made {
  backupPath: string;
  backupDatabaseId: string;
  backupSeq: number;
  /** Where a tab that saw every commit of the backed-up server stood when that server went away. */
  tabPosition: { databaseId: string; sinceSeq: number };
  checking: string;
  savings: string;
}

async function transfer(client: TestClient, from: string, to: string, times: number): Promise<void> {
  for (let index = 0; index < times; index += 1) {
    await client.expectResult('bank.transfer', { fromAccountNumber: from, toAccountNumber: to, amountCents: 100 });
  }
}

/** A server with one customer and some transfers, backed up in the middle; the server is gone afterwards. */
async function makeBackup(into: string): Promise<Made> {
  const server = await startTestServer();
  try {
    const { client } = await registerUser(server.webSocketUrl, 'saver');
    try {
      const checking = (await openAccount(client, 'checking', 50_000)).number;
      const savings = (await openAccount(client, 'savings', 50_000)).number;
      await transfer(client, checking, savings, transfersBeforeBackup);
      const backupPath = join(into, 'backup.sqlite');
      const backup = await backupDatabase({ databasePath: server.databasePath, destinationPath: backupPath, force: false });
      // Commits the backup does not hold: a tab that saw them stands past the backup's last commit.
      await transfer(client, savings, checking, transfersAfterBackup);
      const sinceSeq = server.inspect((database) => commitSeqOf(database));
      expect(sinceSeq).toBeGreaterThan(backup.commitSeq);
      const backupDatabaseId = readDatabase(backupPath).databaseId;
      expect(client.welcome.databaseId).toBe(backupDatabaseId);
      return { backupPath, backupDatabaseId, backupSeq: backup.commitSeq, tabPosition: { databaseId: client.welcome.databaseId, sinceSeq }, checking, savings };
    } finally {
      await client.close();
    }
  } finally {
    await server.dispose();
  }
}

function commitSeqOf(database: Database.Database): number {
  return database.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'commit_seq'").get()!.value;
}

function readDatabase(path: string) {
  const database = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      databaseId: database.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'database_id'").get()!.value.toString(16),
      commitSeq: commitSeqOf(database),
      integrity: database.pragma('integrity_check', { simple: true }),
      usernames: database.prepare<[], { username: string }>('SELECT username FROM users ORDER BY username').all().map((row) => row.username),
      transfers: database.prepare<[], { count: number }>("SELECT count(*) AS count FROM ledger_transactions WHERE kind = 'transfer'").get()!.count,
      customerMoney: database.prepare<[], { total: number }>("SELECT sum(balance_cents) AS total FROM accounts WHERE kind IN ('checking', 'savings')").get()!.total,
    };
  } finally {
    database.close();
  }
}

async function ledgerOf(path: string) {
  const database = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return await checkLedger(new SqliteBankRepository(database), commitSeqOf(database), new Date());
  } finally {
    database.close();
  }
}

function codeOf(reply: Reply<'sync.resume'>): string {
  return reply.ok ? 'ok' : reply.error.code;
}

describe('cli/restore.ts', () => {
  it('restores a checked copy under a new databaseId, so a tab from before must resync even once the restored server has committed past its position', async () => {
    const made = await makeBackup(newDirectory());
    const backupBytes = readFileSync(made.backupPath);
    const databasePath = join(directory!, 'data', 'tally.sqlite');

    const run = await runScript('cli/restore.ts', [made.backupPath, '--database', databasePath]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const restored = readDatabase(databasePath);
    expect(restored.databaseId).not.toBe(made.backupDatabaseId);
    expect(run.stdout).toContain(`databaseId ${made.backupDatabaseId} -> ${restored.databaseId} (new`);
    expect(run.stdout).toContain(`holds commits through seq ${made.backupSeq}\n`);
    expect(run.stdout).toMatch(/^ledger check: ok \(\d+ transactions/m);
    // The data is the backup's, intact.
    expect(restored).toMatchObject({ commitSeq: made.backupSeq, integrity: 'ok', usernames: ['auditor', 'saver'], transfers: transfersBeforeBackup, customerMoney: 100_000 });
    expect(await ledgerOf(databasePath)).toMatchObject({ ok: true, problems: [] });
    // The backup was only read; beside the database there is the database and nothing else.
    expect(readFileSync(made.backupPath).equals(backupBytes)).toBe(true);
    expect(readdirSync(dirname(databasePath))).toEqual(['tally.sqlite']);

    const server = await spawnServer(['--database', databasePath], serverEnv);
    servers.push(server);
    const saver = await TestClient.connect(server.webSocketUrl);
    clients.push(saver);
    expect(saver.welcome.databaseId).toBe(restored.databaseId);
    await saver.expectResult('auth.signIn', { username: 'saver', password: testPassword });
    // Past the old tab's position: with the backup's databaseId kept, its resume would now succeed and miss commits.
    await transfer(saver, made.checking, made.savings, made.tabPosition.sinceSeq - made.backupSeq + 1);
    const live = new Database(databasePath, { readonly: true, fileMustExist: true });
    const seqNow = commitSeqOf(live);
    live.close();
    expect(seqNow).toBeGreaterThan(made.tabPosition.sinceSeq);

    const tab = await TestClient.connect(server.webSocketUrl);
    clients.push(tab);
    expect(codeOf(await tab.request('sync.resume', made.tabPosition))).toBe('resync_required');
    expect(codeOf(await tab.request('sync.resume', { databaseId: made.backupDatabaseId, sinceSeq: made.backupSeq }))).toBe('resync_required');
    // The same position under the restored database's own id resumes: the refusals are the databaseId's doing.
    expect(codeOf(await tab.request('sync.resume', { databaseId: tab.welcome.databaseId, sinceSeq: made.backupSeq }))).toBe('ok');
  });

  it('is refused while a server process has the database open, and replaces it, stale -wal and -shm included, once the server is gone', async () => {
    const made = await makeBackup(newDirectory());
    const databasePath = join(directory!, 'live.sqlite');
    const server = await spawnServer(['--database', databasePath], serverEnv);
    servers.push(server);
    const { client } = await registerUser(server.webSocketUrl, 'newcomer');
    clients.push(client);
    const liveDatabaseId = client.welcome.databaseId;

    // The server is idle, between requests: only its open connection gives it away.
    const refused = await runScript('cli/restore.ts', [made.backupPath, '--database', databasePath, '--force']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(`restore failed: ${databasePath} is open in another process (is the Tally server running?): stop it, then restore; nothing was changed\n`);
    expect(readdirSync(directory!).filter((name) => name.includes('.restoring-'))).toEqual([]);
    // The server noticed nothing: it commits on, in its own database.
    await client.expectResult('bank.openAccount', { kind: 'checking', amountCents: 1_000 });
    expect(readDatabase(databasePath)).toMatchObject({ databaseId: liveDatabaseId, usernames: ['auditor', 'newcomer'] });

    // Killed, the server leaves its -wal (with commits the restored file must not inherit) and -shm behind.
    server.child.kill('SIGKILL');
    await server.exited;
    expect(existsSync(`${databasePath}-wal`)).toBe(true);
    expect(existsSync(`${databasePath}-shm`)).toBe(true);
    const run = await runScript('cli/restore.ts', [made.backupPath, '--database', databasePath, '--force']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`(replaced the database there, databaseId ${liveDatabaseId}, with its -wal and -shm)`);
    expect(readdirSync(directory!).filter((name) => name.startsWith('live.sqlite'))).toEqual(['live.sqlite']);
    const restored = readDatabase(databasePath);
    expect(restored).toMatchObject({ commitSeq: made.backupSeq, integrity: 'ok', usernames: ['auditor', 'saver'], transfers: transfersBeforeBackup });
    expect([made.backupDatabaseId, liveDatabaseId]).not.toContain(restored.databaseId);
    expect(await ledgerOf(databasePath)).toMatchObject({ ok: true, problems: [] });
  });

  it('will not replace an existing database without --force, takes the database from DATABASE_PATH, and never replaces a file that is not a database', async () => {
    const made = await makeBackup(newDirectory());
    const databasePath = join(directory!, 'tally.sqlite');
    const env = { DATABASE_PATH: databasePath };
    const first = await runScript('cli/restore.ts', [made.backupPath], env);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const firstId = readDatabase(databasePath).databaseId;

    const refused = await runScript('cli/restore.ts', [made.backupPath], env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`${databasePath} already exists; pass --force to replace it`);
    expect(readDatabase(databasePath).databaseId).toBe(firstId);

    const forced = await runScript('cli/restore.ts', [made.backupPath, '--force'], env);
    expect(forced.stderr).toBe('');
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain(`replaced the database there, databaseId ${firstId}`);
    // Every restore draws its own databaseId.
    expect([firstId, made.backupDatabaseId]).not.toContain(readDatabase(databasePath).databaseId);

    const notDatabase = join(directory!, 'notes.txt');
    writeFileSync(notDatabase, 'precious, and not a database at all');
    const mistaken = await runScript('cli/restore.ts', [made.backupPath, '--database', notDatabase, '--force']);
    expect(mistaken.exitCode).toBe(1);
    expect(mistaken.stderr).toContain(`${notDatabase} is not a SQLite database`);
    expect(readFileSync(notDatabase, 'utf8')).toBe('precious, and not a database at all');
  });

  it('restores nothing from a backup that fails the ledger check', async () => {
    const made = await makeBackup(newDirectory());
    const tampered = new Database(made.backupPath);
    tampered.prepare('UPDATE accounts SET balance_cents = balance_cents + 1 WHERE number = ?').run(made.checking);
    tampered.close();
    const databasePath = join(directory!, 'tally.sqlite');
    const run = await runScript('cli/restore.ts', [made.backupPath, '--database', databasePath]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${made.backupPath} fails its checks: the copy's ledger check failed: account ${made.checking}: balance`);
    expect(readdirSync(directory!)).toEqual(['backup.sqlite']);
  });

  it('is a usage error without exactly one backup file, or with an unknown option', async () => {
    const none = await runScript('cli/restore.ts', []);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('give exactly one backup file, got 0');
    expect(none.stderr).toContain('Usage: npm run restore -- <backup-file>');
    const misspelt = await runScript('cli/restore.ts', ['backup.sqlite', '--databse', 'x.sqlite']);
    expect(misspelt.exitCode).toBe(2);
    expect(misspelt.stderr).toContain("Unknown option '--databse'");
  });
});
