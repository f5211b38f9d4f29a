import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransactionView } from '../../shared/protocol.ts';
import { TestClient } from '../support/test-client.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';
import { dropTestDatabases, testAuditorPassword, testDatabaseLocation } from '../support/test-server.ts';
import { openAccount, signInAuditor, testPassword } from '../support/bank-fixtures.ts';

let directory: string | undefined;
let running: ServerProcess | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  running?.child.kill('SIGKILL');
  await running?.exited;
  running = undefined;
  await dropTestDatabases();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

const env = { TALLY_AUDITOR_PASSWORD: testAuditorPassword };

async function start(): Promise<ServerProcess> {
  directory ??= mkdtempSync(join(tmpdir(), 'tally-restart-'));
  running = await spawnServer(['--database', testDatabaseLocation(directory)], env);
  return running;
}

async function connect(server: ServerProcess): Promise<TestClient> {
  const client = await TestClient.connect(server.webSocketUrl);
  clients.push(client);
  return client;
}

async function everyTransfer(auditor: TestClient): Promise<TransactionView[]> {
  const rows: TransactionView[] = [];
  let beforeId: number | undefined;
  do {
    const page = await auditor.expectResult('audit.history', beforeId === undefined ? { kind: 'transfer' } : { kind: 'transfer', beforeId });
    rows.push(...page.transactions);
    beforeId = page.nextBeforeId ?? undefined;
  } while (beforeId !== undefined);
  return rows;
}

describe('a key survives SIGKILL', () => {
  it('answers a repeat after a SIGKILL and restart with the stored outcome, committing nothing again', async () => {
    const first = await start();
    const client = await connect(first);
    await client.expectResult('auth.register', { username: 'ada', password: testPassword });
    const checking = (await openAccount(client, 'checking', 1_000)).number;
    const original = await client.request('bank.deposit', { accountNumber: checking, amountCents: 250 }, { requestId: 'before-the-crash' });
    expect(original.ok).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start();
    const again = await connect(second);
    await again.expectResult('auth.signIn', { username: 'ada', password: testPassword });
    const repeat = await again.request('bank.deposit', { accountNumber: checking, amountCents: 250 }, { requestId: 'before-the-crash' });
    expect(repeat).toEqual(original);
    const { accounts } = await again.expectResult('bank.accounts', {});
    expect(accounts[0]!.balanceCents).toBe(1_250);
  });
});

describe('SIGTERM', () => {
  it('answers every request it committed before closing the sockets with 1001', async () => {
    const server = await start();
    const userCount = 6;
    const users = await Promise.all(Array.from({ length: userCount }, (_, index) => TestClient.connect(server.webSocketUrl, `u${index}-`)));
    clients.push(...users);
    const checking: string[] = [];
    for (const [index, user] of users.entries()) {
      await user.expectResult('auth.register', { username: `leaver${index}`, password: testPassword });
      checking.push((await openAccount(user, 'checking', 1_000_000)).number);
    }
    const answeredOk = new Set<string>();
    const closeCodes: number[] = [];
    let sent = 0;
    const inFlightPerUser = 8;
    await Promise.all(
      users.map(async (user, index) => {
        const closed = new Promise<null>((resolve) => user.socket.once('close', (code) => (closeCodes.push(code), resolve(null))));
        const sender = async (lane: number) => {
          for (let number = 0; ; number += 1) {
            const requestId = `u${index}-lane${lane}-${number}`;
            const body = { fromAccountNumber: checking[index]!, toAccountNumber: checking[(index + 1) % userCount]!, amountCents: 1 };
            sent += 1;
            if (sent === 400) server.child.kill('SIGTERM');
            const reply = await Promise.race([user.request('bank.transfer', body, { requestId }).catch(() => null), closed]);
            if (reply === null) return;
            if (reply.ok) answeredOk.add(requestId);
            else if (reply.error.code !== 'server_busy') throw new Error(`transfer refused: ${reply.error.code}`);
          }
        };
        await Promise.all(Array.from({ length: inFlightPerUser }, (_, lane) => sender(lane)));
      }),
    );
    expect(await server.exited).toBe(0);
    expect(closeCodes).toEqual(Array.from({ length: userCount }, () => 1001));

    const restarted = await start();
    const auditor = await signInAuditor(restarted.webSocketUrl);
    clients.push(auditor);
    const committed = (await everyTransfer(auditor)).map((row) => row.requestId!);
    expect(committed.length).toBeGreaterThan(0);
    expect(committed.filter((requestId) => !answeredOk.has(requestId))).toEqual([]);
    expect(committed.length).toBe(answeredOk.size);
  });
});
