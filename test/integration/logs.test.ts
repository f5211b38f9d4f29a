/** A real server's logs: JSON lines, failures tied to their request, and no secrets. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTallyServer } from '../../server/app.ts';
import { loopbackLoadTestLimits } from '../../shared/limits.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { TestClient } from '../support/test-client.ts';
import { product, startTestServer, type TestServer } from '../support/test-server.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverWithCapturedLogs() {
  const { logger, capture } = capturingLogger();
  const server = await startTestServer([product('Lamp', 5)], { logger });
  cleanups.push(() => server.dispose());
  return { server, capture };
}

async function connect(server: Pick<TestServer, 'webSocketUrl'>): Promise<TestClient> {
  const client = await TestClient.connect(server.webSocketUrl);
  cleanups.push(() => client.close());
  return client;
}

/** Changes the database behind the server's back, as a careless person with a shell might. */
function tamper(databasePath: string, sql: string): void {
  const database = new Database(databasePath);
  try {
    database.exec(sql);
  } finally {
    database.close();
  }
}

describe('logs', () => {
  it('logs a request that failed as one JSON line with its requestId and connection id', async () => {
    const { server, capture } = await serverWithCapturedLogs();
    const client = await connect(server);
    await client.startShopper();
    await server.tamper('DROP TABLE order_lines; DROP TABLE orders');

    const reply = await client.request('orders.list', {});
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('internal');
    for (const line of capture.lines) expect(() => JSON.parse(line)).not.toThrow();
    const failures = capture.entries().filter((entry) => entry.msg === 'request failed');
    expect(failures).toEqual([
      expect.objectContaining({
        level: 'error',
        time: expect.any(String),
        requestId: reply.error.requestId,
        connectionId: expect.any(Number),
        err: expect.objectContaining({ message: expect.stringMatching(/no such table|does not exist/) }),
      }),
    ]);
  });

  it('logs an operation that threw inside the unit of work with its requestId', async () => {
    const { server, capture } = await serverWithCapturedLogs();
    const client = await connect(server);
    await client.startShopper();
    await server.tamper('DELETE FROM shoppers');

    const reply = await client.request('cart.add', { productId: 1, quantity: 1 });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('internal');
    const failure = capture.entries().find((entry) => entry.msg === 'operation failed unexpectedly');
    expect(failure).toMatchObject({ level: 'error', requestId: reply.error.requestId, type: 'cart.add', err: { message: expect.stringMatching(/FOREIGN KEY|foreign key/) } });
  });

  it('never puts a password or session token into the logs; the generated auditor password only in its own field', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tally-logs-'));
    const catalogPath = join(directory, 'catalog.json');
    writeFileSync(catalogPath, JSON.stringify({ products: [product('Lamp', 5)] }));
    const databasePath = join(directory, 'tally.sqlite');
    const { logger, capture } = capturingLogger();
    const server = await startTallyServer({ host: '127.0.0.1', port: 0, databasePath, catalogPath, webRoot: directory, limits: loopbackLoadTestLimits, logger });
    cleanups.push(async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    });

    const password = 'a very memorable secret';
    const client = await connect(server);
    const { sessionToken } = await client.expectResult('auth.register', { username: 'ada', password });
    const resumed = await connect(server);
    await resumed.expectResult('auth.resume', { sessionToken });
    await resumed.expectResult('auth.signOut', {});
    const wrong = await (await connect(server)).request('auth.signIn', { username: 'ada', password: `${password}!` });
    expect(wrong.ok).toBe(false);
    // A sign-in that fails on the server is logged: its log line must not carry the password either.
    tamper(databasePath, 'DROP TABLE user_sessions');
    const failed = await (await connect(server)).request('auth.signIn', { username: 'ada', password });
    expect(failed.ok).toBe(false);

    const entries = capture.entries();
    expect(entries.some((entry) => entry.level === 'error')).toBe(true);
    const everything = capture.lines.join('');
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(sessionToken);

    const created = entries.filter((entry) => typeof entry.generatedAuditorPassword === 'string');
    expect(created).toHaveLength(1);
    const generated = created[0]!.generatedAuditorPassword as string;
    expect(generated.length).toBeGreaterThanOrEqual(8);
    expect(entries.filter((entry) => JSON.stringify(entry).includes(generated))).toEqual(created);
    expect(entries.some((entry) => String(entry.msg).includes(generated))).toBe(false);
  });
});
