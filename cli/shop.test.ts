/**
 * cli/shop.ts as a person runs it: its own process, answers piped to stdin, against a real server.
 * Spawning Node with tsx costs about a second, so runs that do not depend on each other run at once.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTallyServer, type TallyServer } from '../server/app.ts';
import { TestClient } from '../test/support/test-client.ts';
import { product, startTestServer, type TestServer } from '../test/support/test-server.ts';
import type { ScriptRun } from './test-support.ts';
import { loopbackLoadTestLimits } from '../shared/limits.ts';
import { silentLogger } from '../server/observability/logger.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** How long a test waits for a prompt before it gives up on the process. */
const promptWaitMs = 15_000;

interface ShopRun {
  /** Writes answers to the process's stdin. */
  answer(text: string): void;
  /** Ends stdin, as a pipe that ran dry does. */
  endInput(): void;
  /** Resolves once stdout matches (e.g. a prompt was printed). */
  waitFor(pattern: RegExp): Promise<void>;
  finished: Promise<ScriptRun>;
}

/** `node --import tsx cli/shop.ts --url <url>` with stdin a pipe (not a terminal), TALLY_URL cleared. */
function startShop(url: string): ShopRun {
  const { TALLY_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/shop.ts', '--url', url], { cwd: repositoryRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<ScriptRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
  return {
    answer: (text) => void child.stdin.write(text),
    endInput: () => void child.stdin.end(),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${promptWaitMs} ms:\n${stdout}${stderr}`)), promptWaitMs);
        const check = () => {
          if (!pattern.test(stdout)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
        check();
        void finished.then(() => check());
      }),
    finished,
  };
}

/** The whole conversation piped at once, like `printf '...' | npx tsx cli/shop.ts`. */
function shopWithAnswers(url: string, answers: string): Promise<ScriptRun> {
  const run = startShop(url);
  run.answer(answers);
  run.endInput();
  return run.finished;
}

async function stockNow(url: string): Promise<Record<string, number>> {
  const client = await TestClient.connect(url);
  try {
    return Object.fromEntries(client.welcome.products.map((entry) => [entry.name, entry.stock]));
  } finally {
    await client.close();
  }
}

function ordersPlaced(server: TestServer): number {
  return server.inspect((database) => (database.prepare('SELECT count(*) AS count FROM orders').get() as { count: number }).count);
}

describe('cli/shop.ts', () => {
  let server: TestServer | undefined;
  let restarted: TallyServer | undefined;
  afterEach(async () => {
    await restarted?.close();
    await server?.dispose();
    server = restarted = undefined;
  });

  it('places an order from piped answers and the stock drops; stops politely when the answers end; refuses a bad --url', async () => {
    server = await startTestServer([product('Lamp', 2, 2500), product('Mug', 5, 1200)]);
    const url = server.webSocketUrl;
    const [placed, cutShort, usage] = await Promise.all([
      shopWithAnswers(url, 'Ada\n1 Loop Lane\ny\n1\n2\ny\nmug\nlots\n1\nn\ny\n'),
      shopWithAnswers(url, 'Bob\n2 Side Street\n'),
      shopWithAnswers('http://127.0.0.1:1/', ''),
    ]);
    expect(placed.stderr).toBe('');
    expect(placed.exitCode).toBe(0);
    expect(placed.stdout).toContain('Hello Ada! Would you like to place an order? (y/n) y\n');
    expect(placed.stdout).toContain('"lots" is not a whole number; please type a number from 1 to 1000.\n');
    expect(placed.stdout).toMatch(/Lamp +\$25\.00 +2 +\$50\.00\nMug +\$12\.00 +1 +\$12\.00\nTotal bill: \$62\.00\nConfirm order\? \(y\/n\) y\n/);
    expect(placed.stdout).toMatch(/Order \d+ placed: 2 × Lamp, 1 × Mug; total \$62\.00, shipping to Ada, 1 Loop Lane\.\n/);

    expect(cutShort.exitCode).toBe(1);
    expect(cutShort.stdout).toMatch(/Would you like to place an order\? \(y\/n\) \nYour answers ended before whether to place an order, so I stopped here\. No order was placed\.\n$/);

    expect(usage).toMatchObject({ exitCode: 2, stdout: '' });
    expect(usage.stderr).toMatch(/^shop: --url must start with ws:\/\/ or wss:\/\//);

    expect(await stockNow(url)).toEqual({ Lamp: 0, Mug: 4 });
    expect(ordersPlaced(server)).toBe(1);
  });

  it('two shoppers confirm the last unit at once: exactly one order is placed, the other hears another client was first', async () => {
    server = await startTestServer([product('Lamp', 1, 2500)]);
    const url = server.webSocketUrl;
    const shoppers = [startShop(url), startShop(url)];
    // Both put the last lamp in their carts (a cart does not reserve stock) and reach the confirmation...
    shoppers.forEach((shopper, index) => shopper.answer(`Shopper ${index}\n${index} Race Road\ny\n1\n1\nn\n`));
    await Promise.all(shoppers.map((shopper) => shopper.waitFor(/Confirm order\? \(y\/n\) $/)));
    // ...then both confirm together.
    for (const shopper of shoppers) {
      shopper.answer('y\n');
      shopper.endInput();
    }
    const runs = await Promise.all(shoppers.map((shopper) => shopper.finished));

    const winners = runs.filter((run) => run.exitCode === 0);
    const losers = runs.filter((run) => run.exitCode === 1);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(winners[0]!.stdout).toMatch(/Order \d+ placed: 1 × Lamp; total \$25\.00/);
    expect(losers[0]!.stdout).toMatch(/Confirm order\? \(y\/n\) y\nSorry — another client purchased Lamp first: only 0 left\. Your order was not placed\.\n$/);
    expect(runs.map((run) => run.stderr)).toEqual(['', '']);
    expect(await stockNow(url)).toEqual({ Lamp: 0 });
    expect(ordersPlaced(server)).toBe(1);
  });

  it('rides out a server restart: the shopper session is resumed and the order placed once Tally is back', async () => {
    server = await startTestServer([product('Lamp', 3, 2500)]);
    const { port, directory, databasePath } = server;
    const shopper = startShop(server.webSocketUrl);
    shopper.answer('Ada\n1 Loop Lane\ny\n1\n2\nn\n');
    await shopper.waitFor(/Confirm order\? \(y\/n\) $/);
    await server.close();
    // Confirmed while the server is down: the checkout waits for it, then runs as the same shopper.
    shopper.answer('y\n');
    shopper.endInput();
    restarted = await startTallyServer({ host: '127.0.0.1', port, databasePath, catalogPath: join(directory, 'catalog.json'), webRoot: join(directory, 'web'), limits: loopbackLoadTestLimits, logger: silentLogger() });
    const run = await shopper.finished;
    expect(run.stdout).toMatch(/Order \d+ placed: 2 × Lamp; total \$50\.00, shipping to Ada, 1 Loop Lane\.\n/);
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await stockNow(restarted.webSocketUrl)).toEqual({ Lamp: 1 });
    await restarted.close();
    restarted = undefined;
    rmSync(directory, { recursive: true, force: true });
    server = undefined;
  });
});
