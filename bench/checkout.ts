/**
 * Checkouts per second with N concurrent shoppers, each on its own WebSocket, against a real
 * server (in this process) on a real database file. Each shopper loops: cart.add for `--lines`
 * products, then checkout at the cart's total.
 *
 *   npx tsx bench/checkout.ts [--clients 64] [--seconds 10] [--lines 1] [--hot]
 *
 * --hot: every shopper buys the same products (the first `--lines`), so every checkout contends
 * for the same product locks. Stock is huge, so the run measures throughput, not sell-outs.
 *
 * Prints throughput, checkout latency percentiles, commits and operations per commit, then
 * checks with the database closed that the stock taken equals the units ordered.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { cartLinesMax, lineQuantityMax, loopbackLoadTestLimits } from '../shared/limits.ts';
import type { ErrorMessage } from '../shared/protocol.ts';
import { ProtocolClient, type SocketLike } from '../shared/client/protocol-client.ts';
import { startTallyServer } from '../server/app.ts';
import { silentLogger } from '../server/observability/logger.ts';
import { seedStockMax } from '../server/store/catalog-seed.ts';

const productCount = 64;
const stockPerProduct = seedStockMax;
const unitPriceCents = 199;
const quantityPerLineMax = 3;

interface BenchOptions {
  clientCount: number;
  durationMs: number;
  linesPerOrder: number;
  hot: boolean;
}

function readOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '64' },
      seconds: { type: 'string', default: '10' },
      lines: { type: 'string', default: '1' },
      hot: { type: 'boolean', default: false },
    },
  });
  const clientCount = Number(values.clients);
  const seconds = Number(values.seconds);
  const linesPerOrder = Number(values.lines);
  if (!Number.isInteger(clientCount) || clientCount < 1) throw new Error(`--clients must be a whole number >= 1, got ${values.clients}`);
  if (!(seconds > 0)) throw new Error(`--seconds must be > 0, got ${values.seconds}`);
  const linesMax = Math.min(cartLinesMax, productCount);
  if (!Number.isInteger(linesPerOrder) || linesPerOrder < 1 || linesPerOrder > linesMax) {
    throw new Error(`--lines must be a whole number from 1 to ${linesMax}, got ${values.lines}`);
  }
  return { clientCount, durationMs: seconds * 1000, linesPerOrder, hot: values.hot };
}

/**
 * The one protocol client, lean: broadcasts counted but not read (replies are validated), no ping, no
 * reconnect, so the clients sharing this process cost the measured server little.
 */
async function connectShopper(webSocketUrl: string, index: number): Promise<ProtocolClient> {
  const client = new ProtocolClient({
    url: webSocketUrl,
    createSocket: (url) => new WebSocket(url, { perMessageDeflate: false }) as unknown as SocketLike,
    reconnect: false,
    pingIntervalMs: null,
    skipBroadcasts: true,
  });
  client.start();
  await client.online();
  await client.expectResult('session.start', { name: `Bench shopper ${index}`, address: `${index} Bench Street` });
  return client;
}

interface Tally {
  orders: number;
  unitsOrdered: number;
  checkoutLatenciesMs: number[];
  /** cart.add, checkout and cart.clear: each runs in the unit of work. */
  writeRequests: number;
  failures: Map<string, number>;
}

function countFailure(tally: Tally, what: string, error: ErrorMessage): void {
  const key = `${what}: ${error.code}`;
  tally.failures.set(key, (tally.failures.get(key) ?? 0) + 1);
}

function pickProducts(productIds: readonly number[], count: number, hot: boolean): number[] {
  if (hot) return productIds.slice(0, count);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(productIds[Math.floor(Math.random() * productIds.length)]!);
  return [...chosen];
}

/** One shopper's loop until the deadline: fill the cart, check out at its total. */
async function shop(client: ProtocolClient, productIds: readonly number[], options: BenchOptions, deadline: number, tally: Tally) {
  while (performance.now() < deadline) {
    let totalCents = 0;
    for (const productId of pickProducts(productIds, options.linesPerOrder, options.hot)) {
      const quantity = 1 + Math.floor(Math.random() * quantityPerLineMax);
      const added = await client.request('cart.add', { productId, quantity });
      tally.writeRequests += 1;
      if (added.ok) totalCents = added.result.cart.totalCents;
      else countFailure(tally, 'cart.add', added.error);
    }
    const sentAt = performance.now();
    const checkout = await client.request('checkout', { expectedTotalCents: totalCents });
    tally.checkoutLatenciesMs.push(performance.now() - sentAt);
    tally.writeRequests += 1;
    if (checkout.ok) {
      tally.orders += 1;
      tally.unitsOrdered += checkout.result.order.lines.reduce((sum, line) => sum + line.quantity, 0);
      continue;
    }
    countFailure(tally, 'checkout', checkout.error);
    await client.request('cart.clear', {});
    tally.writeRequests += 1;
  }
}

function percentileMs(sortedMs: readonly number[], fraction: number): string {
  if (sortedMs.length === 0) return 'n/a';
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor(sortedMs.length * fraction))]!.toFixed(2);
}

function readCommitSeq(databasePath: string): number {
  const reader = new Database(databasePath, { readonly: true });
  try {
    return reader.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'commit_seq'").get()!.value;
  } finally {
    reader.close();
  }
}

interface Consistency {
  ok: boolean;
  stockTaken: number;
  unitsInOrders: number;
  ordersInDatabase: number;
  problems: string[];
}

/** With the server closed: stock taken == units in order lines, order totals add up, no negative stock. */
function checkConsistency(databasePath: string, tally: Tally): Consistency {
  const database = new Database(databasePath, { readonly: true });
  try {
    const stock = database
      .prepare<[], { products: number; stockLeft: number; negative: number }>(
        'SELECT COUNT(*) AS products, SUM(stock) AS stockLeft, SUM(stock < 0) AS negative FROM products',
      )
      .get()!;
    const unitsInOrders = database.prepare<[], { units: number | null }>('SELECT SUM(quantity) AS units FROM order_lines').get()!.units ?? 0;
    const ordersInDatabase = database.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM orders').get()!.count;
    const badTotals = database
      .prepare<[], { count: number }>(
        `SELECT COUNT(*) AS count FROM orders o
         WHERE o.total_cents <> (SELECT SUM(unit_price_cents * quantity) FROM order_lines l WHERE l.order_id = o.id)`,
      )
      .get()!.count;
    const stockTaken = stock.products * stockPerProduct - stock.stockLeft;
    const problems: string[] = [];
    if (stockTaken !== unitsInOrders) problems.push(`stock taken ${stockTaken} != units in orders ${unitsInOrders}`);
    if (unitsInOrders !== tally.unitsOrdered) problems.push(`units in orders ${unitsInOrders} != units clients were told ${tally.unitsOrdered}`);
    if (ordersInDatabase !== tally.orders) problems.push(`orders in database ${ordersInDatabase} != orders confirmed ${tally.orders}`);
    if (stock.negative > 0) problems.push(`${stock.negative} products with negative stock`);
    if (badTotals > 0) problems.push(`${badTotals} orders whose total is not the sum of their lines`);
    return { ok: problems.length === 0, stockTaken, unitsInOrders, ordersInDatabase, problems };
  } finally {
    database.close();
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  if (options.linesPerOrder * quantityPerLineMax > lineQuantityMax) throw new Error('lines x quantity passes lineQuantityMax');
  const directory = mkdtempSync(join(tmpdir(), 'tally-bench-checkout-'));
  const databasePath = join(directory, 'bench.sqlite');
  const catalogPath = join(directory, 'catalog.json');
  const products = Array.from({ length: productCount }, (_, index) => ({
    name: `Bench product ${index + 1}`,
    description: '',
    emoji: '',
    priceCents: unitPriceCents,
    stock: stockPerProduct,
  }));
  writeFileSync(catalogPath, JSON.stringify({ products }));
  const server = await startTallyServer({
    host: '127.0.0.1',
    port: 0,
    databasePath,
    catalogPath,
    webRoot: directory,
    auditorPassword: 'bench-auditor-password',
    limits: loopbackLoadTestLimits,
    logger: silentLogger(),
  });

  const clients: ProtocolClient[] = [];
  for (let index = 0; index < options.clientCount; index += 1) clients.push(await connectShopper(server.webSocketUrl, index));
  const productIds = clients[0]!.welcome.products.map((product) => product.id);

  const tally: Tally = { orders: 0, unitsOrdered: 0, checkoutLatenciesMs: [], writeRequests: 0, failures: new Map() };
  const seqBefore = readCommitSeq(databasePath);
  const startedAt = performance.now();
  const deadline = startedAt + options.durationMs;
  await Promise.all(clients.map((client) => shop(client, productIds, options, deadline, tally)));
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const commits = readCommitSeq(databasePath) - seqBefore;
  const broadcasts = clients.reduce((sum, client) => sum + client.broadcastsSkipped, 0);

  await Promise.all(clients.map((client) => client.close()));
  await server.close();
  const consistency = checkConsistency(databasePath, tally);
  rmSync(directory, { recursive: true, force: true });

  report(options, tally, { elapsedSeconds, commits, broadcasts, consistency });
  if (!consistency.ok) process.exitCode = 1;
}

function report(
  options: BenchOptions,
  tally: Tally,
  run: { elapsedSeconds: number; commits: number; broadcasts: number; consistency: Consistency },
): void {
  const { elapsedSeconds, commits, consistency } = run;
  const latencies = [...tally.checkoutLatenciesMs].sort((left, right) => left - right);
  const requests = tally.writeRequests;
  const line = (label: string, value: string) => console.log(`${label.padEnd(30)}${value}`);
  line('scenario', `${options.hot ? 'hot (every shopper buys the same products)' : `spread over ${productCount} products`}, ${options.linesPerOrder} line(s) per order`);
  line('clients', String(options.clientCount));
  line('duration', `${elapsedSeconds.toFixed(1)} s`);
  line('orders placed', String(tally.orders));
  line('orders/s', (tally.orders / elapsedSeconds).toFixed(0));
  line('checkout latency p50/p95/p99', `${percentileMs(latencies, 0.5)} / ${percentileMs(latencies, 0.95)} / ${percentileMs(latencies, 0.99)} ms`);
  line('requests', `${requests} (${(requests / elapsedSeconds).toFixed(0)} requests/s)`);
  line('durable commits', `${commits} (${(commits / elapsedSeconds).toFixed(0)} commits/s)`);
  line('operations per commit', (tally.writeRequests / Math.max(commits, 1)).toFixed(2));
  line('broadcast frames received', `${run.broadcasts} (${(run.broadcasts / elapsedSeconds).toFixed(0)}/s over all clients)`);
  const failures = [...tally.failures.entries()].map(([key, count]) => `${key} x${count}`);
  line('refusals', failures.length === 0 ? 'none' : failures.join(', '));
  line(
    'consistency',
    consistency.ok
      ? `ok (stock taken ${consistency.stockTaken} == units ordered ${consistency.unitsInOrders}, ${consistency.ordersInDatabase} orders)`
      : `FAILED: ${consistency.problems.join('; ')}`,
  );
}

await main();
