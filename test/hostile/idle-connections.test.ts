import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loopbackLoadTestLimits } from '../../shared/limits.ts';
import { openAccount, registerUser } from '../support/bank-fixtures.ts';
import { product, startTestServer, type TestServer } from '../support/test-server.ts';

const idleConnections = 5_000;
/** Opened at once; each waits for its welcome. */
const openingBatch = 250;
/** Both ends of every socket live in this process (the server runs in it), plus vitest, SQLite and the normal client. */
const descriptorsNeeded = idleConnections * 2 + 500;
/** Descriptors the process may still hold after every idle socket closed (vitest's own, the database's). */
const descriptorsLeftOverMax = 50;

let server: TestServer | undefined;
const idle: WebSocket[] = [];

afterAll(async () => {
  for (const socket of idle) socket.terminate();
  await server?.dispose();
});

function openFilesLimit(): number {
  const limit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  return limit === 'unlimited' ? Number.POSITIVE_INFINITY : Number(limit);
}

const descriptorsOpen = () => readdirSync('/proc/self/fd').length;

/** The server's own count of open tabs (welcomed connections), from its /metrics, all roles summed. */
async function connectionsOpen(tally: TestServer): Promise<number> {
  const text = await (await fetch(`${tally.url}/metrics`)).text();
  const samples = text.split('\n').filter((line) => line.startsWith('tally_connections{'));
  if (samples.length === 0) throw new Error('no tally_connections in /metrics');
  return samples.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** A connection that only takes its welcome and then says nothing (ws answers the heartbeat's pings). */
function openIdle(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('message', (data) => {
      const type = (JSON.parse(String(data)) as { type?: unknown }).type;
      if (type === 'welcome') resolve(socket);
      else reject(new Error(`the first frame was ${type}, not a welcome`));
    });
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`closed (${code}) before its welcome`)));
  });
}

function closed(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

describe(`${idleConnections} idle connections`, () => {
  it('are all held while a normal client is served, and all let go afterwards', async () => {
    const limit = openFilesLimit();
    expect(limit, `ulimit -n is ${limit}; ${idleConnections} connections need ${descriptorsNeeded} descriptors here: raise it (ulimit -n 20000) and run again`).toBeGreaterThanOrEqual(
      descriptorsNeeded,
    );
    // Every socket comes from 127.0.0.1, so the per-address limit (connectionsPerAddressMax) is raised to fit.
    server = await startTestServer([product('Idle Cup', 10, 500)], {
      limits: { ...loopbackLoadTestLimits, connectionsPerAddressMax: idleConnections + 10 },
    });
    const descriptorsBefore = descriptorsOpen();
    expect(await connectionsOpen(server)).toBe(0);

    for (let opened = 0; opened < idleConnections; opened += openingBatch) {
      const batch = Math.min(openingBatch, idleConnections - opened);
      idle.push(...(await Promise.all(Array.from({ length: batch }, () => openIdle(server!.webSocketUrl)))));
    }
    expect(await connectionsOpen(server)).toBe(idleConnections);

    const { client } = await registerUser(server.webSocketUrl, 'busy-among-idle');
    expect(client.welcome.products.map((item) => item.name)).toEqual(['Idle Cup']);
    const checking = await openAccount(client, 'checking', 10_000);
    const savings = await openAccount(client, 'savings', 100);
    const { accounts } = await client.expectResult('bank.transfer', { fromAccountNumber: checking.number, toAccountNumber: savings.number, amountCents: 2_500 });
    const balances = new Map(accounts.map((account) => [account.number, account.balanceCents]));
    expect([balances.get(checking.number), balances.get(savings.number)]).toEqual([7_500, 2_600]);
    expect(await connectionsOpen(server)).toBe(idleConnections + 1);
    expect(idle.filter((socket) => socket.readyState !== WebSocket.OPEN)).toHaveLength(0);
    await client.close();

    for (const socket of idle) socket.close();
    await Promise.all(idle.map(closed));
    await expect.poll(() => connectionsOpen(server!), { timeout: 10_000 }).toBe(0);
    await expect.poll(descriptorsOpen, { timeout: 10_000 }).toBeLessThanOrEqual(descriptorsBefore + descriptorsLeftOverMax);
    const after = await registerUser(server.webSocketUrl, 'after-the-crowd');
    await after.client.close();
  }, 90_000);
});
