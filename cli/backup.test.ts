/** cli/backup.ts end to end: its own process, backing up a real server's database while it takes transfers. */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLedger } from '../server/bank/ledger-check.ts';
import { SqliteBankRepository } from '../server/storage/sqlite/bank-repository.ts';
import { openAccount, registerUser } from '../test/support/bank-fixtures.ts';
import type { TestClient } from '../test/support/test-client.ts';
import { startTestServer, type TestServer } from '../test/support/test-server.ts';
import { runScript } from './test-support.ts';

let server: TestServer | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server?.dispose();
  server = undefined;
});

function inspectCopy<T>(path: string, reader: (database: Database.Database) => T): T {
  const database = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return reader(database);
  } finally {
    database.close();
  }
}

/** Transfers back and forth until stopped; resolves with how many were answered OK. */
function transferUntil(client: TestClient, from: string, to: string, stopped: () => boolean): Promise<number> {
  return (async () => {
    let ok = 0;
    for (let round = 0; !stopped(); round++) {
      const [a, b] = round % 2 === 0 ? [from, to] : [to, from];
      const reply = await client.request('bank.transfer', { fromAccountNumber: a, toAccountNumber: b, amountCents: 100 });
      if (reply.ok) ok += 1;
    }
    return ok;
  })();
}

describe('cli/backup.ts', () => {
  it('copies a consistent snapshot while the server commits transfers, and the copy passes the ledger check', async () => {
    server = await startTestServer();
    const owners = await Promise.all(['saver', 'spender'].map((name) => registerUser(server!.webSocketUrl, name)));
    clients.push(...owners.map((owner) => owner.client));
    const pairs = await Promise.all(
      owners.map(async ({ client }) => [(await openAccount(client, 'checking', 50_000)).number, (await openAccount(client, 'savings', 50_000)).number] as const),
    );
    let stopped = false;
    const loops = owners.map(({ client }, index) => transferUntil(client, pairs[index]![0], pairs[index]![1], () => stopped));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const destination = join(server.directory, 'backup.sqlite');
    const run = await runScript('cli/backup.ts', [destination, '--database', server.databasePath]);
    stopped = true;
    const transfersOk = (await Promise.all(loops)).reduce((sum, count) => sum + count, 0);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const written = /to (\S+): (\d+) bytes, (\d+) pages of (\d+) bytes, in [\d.]+ s\n/.exec(run.stdout);
    expect(written?.[1]).toBe(destination);
    expect(Number(written?.[2])).toBe(readFileSync(destination).length);
    expect(Number(written?.[3]) * Number(written?.[4])).toBe(Number(written?.[2]));
    expect(run.stdout).toMatch(/^integrity_check: ok$/m);
    expect(run.stdout).toMatch(/^ledger check: ok \(\d+ transactions/m);
    // One self-contained file: nothing beside it to forget when it is moved.
    expect(existsSync(`${destination}-wal`)).toBe(false);
    expect(existsSync(`${destination}.partial-${process.pid}`)).toBe(false);

    const copy = inspectCopy(destination, (database) => ({
      integrity: database.pragma('integrity_check', { simple: true }),
      transfers: database.prepare<[], { count: number }>("SELECT count(*) AS count FROM ledger_transactions WHERE kind = 'transfer'").get()!.count,
      commitSeq: database.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'commit_seq'").get()!.value,
    }));
    expect(copy.integrity).toBe('ok');
    expect(run.stdout).toContain(`holds commits through seq ${copy.commitSeq}`);
    // Taken mid-run: some transfers are in the copy, and none that the server had not committed.
    expect(copy.transfers).toBeGreaterThan(0);
    expect(copy.transfers).toBeLessThanOrEqual(transfersOk);
    const reader = new Database(destination, { readonly: true, fileMustExist: true });
    const ledger = await checkLedger(new SqliteBankRepository(reader), copy.commitSeq, new Date()).finally(() => reader.close());
    expect(ledger).toMatchObject({ ok: true, problems: [] });
    expect(ledger.transactionsChecked).toBeGreaterThan(copy.transfers);
    const money = inspectCopy(destination, (database) =>
      database.prepare<[], { total: number }>("SELECT sum(balance_cents) AS total FROM accounts WHERE kind IN ('checking', 'savings')").get()!.total,
    );
    expect(money).toBe(200_000);
  });

  it('refuses to replace an existing file unless --force, and takes the database from DATABASE_PATH', async () => {
    server = await startTestServer();
    const destination = join(server.directory, 'existing.sqlite');
    writeFileSync(destination, 'precious');
    const refused = await runScript('cli/backup.ts', [destination, '--database', server.databasePath]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('already exists; pass --force to replace it');
    expect(readFileSync(destination, 'utf8')).toBe('precious');

    const forced = await runScript('cli/backup.ts', [destination, '--force'], { DATABASE_PATH: server.databasePath });
    expect(forced.stderr).toBe('');
    expect(forced.exitCode).toBe(0);
    expect(inspectCopy(destination, (database) => database.pragma('integrity_check', { simple: true }))).toBe('ok');
  });

  it('leaves nothing behind when the copy fails the ledger check', async () => {
    server = await startTestServer();
    const { client } = await registerUser(server.webSocketUrl, 'victim');
    clients.push(client);
    const account = await openAccount(client, 'checking', 1_000);
    // A balance changed by hand, without its ledger entries: money from nowhere.
    const tampered = new Database(server.databasePath);
    tampered.prepare('UPDATE accounts SET balance_cents = balance_cents + 1 WHERE number = ?').run(account.number);
    tampered.close();

    const destination = join(server.directory, 'broken.sqlite');
    const run = await runScript('cli/backup.ts', [destination, '--database', server.databasePath]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`ledger check failed: account ${account.number}: balance 1001 cents but its entries add up to 1000`);
    expect(existsSync(destination)).toBe(false);
  });

  it('is a usage error without exactly one file', async () => {
    const run = await runScript('cli/backup.ts', []);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('give exactly one backup file, got 0');
    expect(run.stderr).toContain('Usage: npm run backup -- <file>');
  });
});
