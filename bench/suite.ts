/**
 * `npm run bench`: Tally's throughput, latency, fan-out, contention and memory, each against the
 * ceiling of a bare `ws` echo server, in one run and one table (issue 15's measuring instrument).
 *
 *   npm run bench -- [--seconds 5] [--connections 64] [--many-connections 512] [--observers 100]
 *                    [--idle-connections 10000] [--flash-shoppers 1000] [--flash-units 100]
 *                    [--load-processes <cores>] [--json <file>] [--profile-server <dir>] [--observers-parse]
 *                    [--in-memory-database] [--postgres <postgres://url>]
 *                    [--no-cluster] [--cluster-postgres <postgres://url>]
 *
 * The Tally server, the echo server and the load processes are separate processes (the load is
 * split over --load-processes of them, one per core by default), so no client shares a process,
 * an event loop or a garbage collector with the server it measures. On a small machine they do
 * share its cores; the table says how many there were.
 *
 * Rows: (1) echo round trips with --connections; (2) durable transfers with as many; (3) the same
 * while --observers tabs read every broadcast (half anonymous, half the auditor's); (4, 5) echo and
 * transfers with --many-connections; (6) a flash sale: --flash-shoppers check out one unit each, at
 * once, of --flash-units in stock, beside the same burst of bare echoes; (7) the server's resident
 * memory per idle connection (measured first, on the fresh server). Then the auditor's ledger check. It exits 1 if the ledger check fails,
 * any request went unanswered or failed other than by a business refusal, or the flash sale sold
 * other than min(units, shoppers).
 *
 * Then, unless --no-cluster, the cluster rows of bench/cluster.ts (also `npm run bench:cluster`): a
 * pgbench baseline of one PostgreSQL transaction per transfer and Tally on 1, 2 and 3 processes
 * sharing PostgreSQL (--cluster-postgres, else DATABASE_URL, else the local test database), with the
 * lag from a commit on one process to a tab on another; skipped when PostgreSQL does not answer.
 *
 * bench/checkout.ts, bench/transfers.ts and bench/ws-echo.ts stay as in-process micro-benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ProtocolClient } from '../shared/client/protocol-client.ts';
import type { IntegrityReport } from '../shared/protocol.ts';
import { seedStockMax } from '../server/store/catalog-seed.ts';
import { openLeanClient } from './lean-client.ts';
import {
  mapConcurrently,
  range,
  type EchoBurstResult,
  type EchoResult,
  type FlashSaleResult,
  type IdleResult,
  type LoadJob,
  type LoadResult,
  type ObserverTraffic,
  type TransferConnection,
  type TransfersResult,
} from './load-jobs.ts';
import { formatCounts, formatReport } from './suite-report.ts';
import { LoadWorker, openFilesLimit, readResidentKib, startEchoProcess, startTallyProcess, stopProcess, type ServerProcess, type TallyProcessSettings } from './suite-processes.ts';
import { dropSchema } from '../server/storage/postgres/database.ts';

export const auditorPassword = 'bench-auditor-password';
const customerPassword = 'bench-customer-password';
/** Each account's opening deposit: $1,000,000.00, far more than a run's transfers of at most $10 each can spend. */
const openingDepositCents = 100_000_000;
const flashProductName = 'Flash sale lamp';
const flashProductPriceCents = 4_999;
/** Registrations at once: each is an scrypt hash (~50 ms) on the server's thread pool. */
const registrationsInFlightMax = 8;
/** Quiet time before and after opening the idle connections, so the server's memory settles. */
const idleSettleMs = 1_000;
/**
 * A timed row's length. Every latency sample is kept, for exact percentiles: at ~100,000 echo round
 * trips a second, a minute's samples are ~50 MB.
 */
const durationMsMin = 100;
const durationMsMax = 60_000;
/** Open files a process holds besides its connections: database, journal, stdio, listening socket, modules. */
export const openFilesHeadroom = 200;

export interface BenchSuiteOptions {
  durationMs: number;
  connections: number;
  manyConnections: number;
  observers: number;
  idleConnections: number;
  flashShoppers: number;
  flashUnits: number;
  loadProcesses: number;
  /** Progress, one line per step; silent when absent. */
  log?: (line: string) => void;
  /** Observers parse every broadcast (as a browser tab would, on this machine's cores) instead of counting it. */
  observersParse?: boolean;
  /**
   * Tally on an in-memory SQLite database: nothing is written to disk, so nothing is durable. Only
   * for finding the floor (what the rest of the server costs once storage is free); the table says so.
   */
  inMemoryDatabase?: boolean;
  /**
   * Tally on PostgreSQL at this URL instead of a SQLite file: the run uses a schema of its own
   * (`tally_bench_<random>`), dropped at the end.
   */
  postgresUrl?: string;
  /** A folder for the Tally server's V8 CPU profile of the whole run (node --cpu-prof), to open in Chrome DevTools. */
  serverProfileDirectory?: string;
}

export const defaultBenchSuiteOptions: Readonly<Omit<BenchSuiteOptions, 'log'>> = {
  durationMs: 5_000,
  connections: 64,
  manyConnections: 512,
  observers: 100,
  idleConnections: 10_000,
  flashShoppers: 1_000,
  flashUnits: 100,
  loadProcesses: cpus().length,
};

/** Percentiles of request round trips, in ms; null when there were none. */
export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export interface EchoRow {
  connections: number;
  roundTrips: number;
  seconds: number;
  perSecond: number;
  latency: LatencySummary | null;
}

export interface TransfersRow {
  connections: number;
  observers: number;
  ok: number;
  refused: number;
  refusedByCode: Record<string, number>;
  /** Refusals that are no business refusal (internal, server_busy …): a fault. */
  unexpected: number;
  unexpectedByCode: Record<string, number>;
  unanswered: number;
  unansweredByCode: Record<string, number>;
  seconds: number;
  /** Successful transfers per second. */
  perSecond: number;
  ratioToEcho: number;
  latency: LatencySummary | null;
  /** Durable commits (one fsync each) during the row. */
  commits: number;
  /** Broadcast frames the load connections received (their own user's accounts, stats) and skipped. */
  loadBroadcastFrames: number;
  /** The fewest transfers any one connection had answered. */
  completedPerConnectionMin: number;
  connectionsWithNoneCompleted: number;
  observerTraffic: ObserverTraffic;
}

export interface FlashSaleRow {
  shoppers: number;
  units: number;
  sold: number;
  refused: number;
  refusedByCode: Record<string, number>;
  unexpected: number;
  unexpectedByCode: Record<string, number>;
  unanswered: number;
  /** From the first checkout sent to the last one answered. */
  lastAnswerMs: number;
  perSecond: number;
  latency: LatencySummary | null;
  /** The same number of bare echo connections each sending one frame at once: time to the last echo. */
  echoBurstMs: number;
  ratioToEcho: number;
}

export interface IdleMemoryRow {
  connections: number;
  residentBeforeKib: number;
  residentAfterKib: number;
  kibPerConnection: number;
  openSeconds: number;
}

export interface BenchSuiteResult {
  options: Omit<BenchSuiteOptions, 'log'>;
  echo: EchoRow;
  transfers: TransfersRow;
  transfersObserved: TransfersRow;
  echoMany: EchoRow;
  transfersMany: TransfersRow;
  flashSale: FlashSaleRow;
  idleMemory: IdleMemoryRow;
  ledger: IntegrityReport;
  /** Why the run failed, in words; empty when it passed. */
  failures: string[];
  /** What the Tally server printed after it started (errors, warnings). */
  serverLog: string[];
  machine: { cores: number; cpuModel: string; node: string; platform: string };
  date: string;
}

/** The processes of a run: whichever have started, so all of them are stopped however it ends. */
interface Running {
  tally: ServerProcess | null;
  echo: ServerProcess | null;
  workers: LoadWorker[];
}

/** The schema a PostgreSQL run keeps its tables in, dropped at the end. */
const benchSchema = `tally_bench_${randomBytes(6).toString('hex')}`;

function databaseFor(options: BenchSuiteOptions, directory: string): string {
  if (options.postgresUrl !== undefined) {
    const url = new URL(options.postgresUrl);
    url.searchParams.set('schema', benchSchema);
    return url.toString();
  }
  return options.inMemoryDatabase === true ? ':memory:' : join(directory, 'bench.sqlite');
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}


export async function runBenchSuite(options: BenchSuiteOptions): Promise<BenchSuiteResult> {
  checkOptions(options);
  const log = options.log ?? (() => {});
  const directory = mkdtempSync(join(tmpdir(), 'tally-bench-suite-'));
  const running: Running = { tally: null, echo: null, workers: [] };
  try {
    const catalogPath = join(directory, 'catalog.json');
    const catalog = { products: [{ name: flashProductName, description: 'Sold out in seconds.', emoji: '💡', priceCents: flashProductPriceCents, stock: options.flashUnits }] };
    writeFileSync(catalogPath, JSON.stringify(catalog));
    log(`starting the Tally server, the echo server and ${options.loadProcesses} load processes`);
    const started = await startAll(running, {
        databasePath: databaseFor(options, directory),
        catalogPath,
        webRoot: directory,
        auditorPassword,
        ...(options.serverProfileDirectory === undefined ? {} : { profileDirectory: options.serverProfileDirectory }),
      }, options.loadProcesses);
    const measured = await measure(started, options, log);
    const { log: _log, ...allOptions } = options;
    // A URL may carry a password: the report (and --json) shows it without one.
    const shownOptions = allOptions.postgresUrl === undefined ? allOptions : { ...allOptions, postgresUrl: withoutPassword(allOptions.postgresUrl) };
    const result: BenchSuiteResult = {
      options: shownOptions,
      ...measured,
      failures: [],
      serverLog: [...started.tally.log, ...(started.tally.logLinesDropped > 0 ? [`… and ${started.tally.logLinesDropped} more lines`] : [])],
      machine: { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` },
      date: new Date().toISOString(),
    };
    result.failures = findFailures(result);
    return result;
  } finally {
    await Promise.all([...running.workers.map((worker) => worker.stop()), ...[running.tally, running.echo].map((server) => (server === null ? undefined : stopProcess(server.child)))]);
    rmSync(directory, { recursive: true, force: true });
    if (options.postgresUrl !== undefined) await dropSchema(options.postgresUrl, benchSchema);
  }
}

interface Started {
  tally: ServerProcess;
  echo: ServerProcess;
  workers: LoadWorker[];
}

/** Starts them all at once; each is in `running` as soon as it has started, so a failure stops the others. */
async function startAll(running: Running, tallySettings: TallyProcessSettings, loadProcesses: number): Promise<Started> {
  const started = await Promise.allSettled([
    startTallyProcess(tallySettings).then((server) => (running.tally = server)),
    startEchoProcess().then((server) => (running.echo = server)),
    ...range(loadProcesses).map(() => LoadWorker.start().then((worker) => running.workers.push(worker))),
  ]);
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  return { tally: running.tally!, echo: running.echo!, workers: running.workers };
}

/** What every row needs: where to connect, who to be, and the load processes. */
interface Bench {
  tallyUrl: string;
  echoUrl: string;
  tallyPid: number;
  workers: LoadWorker[];
  /** An anonymous connection of this process: it asks for the commit position (ping) between rows. */
  control: ProtocolClient;
  durationMs: number;
  observersParse: boolean;
  log: (line: string) => void;
}

/** Who the transfer rows' connections are. */
interface Customers {
  auditorSessionToken: string;
  /** One per connection of the largest transfers row; smaller rows take the first ones. */
  accounts: Array<{ sessionToken: string; accountNumber: string }>;
}

type MeasuredRows = Pick<BenchSuiteResult, 'echo' | 'transfers' | 'transfersObserved' | 'echoMany' | 'transfersMany' | 'flashSale' | 'idleMemory' | 'ledger'>;

async function measure(running: Started, options: BenchSuiteOptions, log: (line: string) => void): Promise<MeasuredRows> {
  const tallyUrl = running.tally.webSocketUrl;
  const control = await openLeanClient(tallyUrl, { readBroadcasts: false });
  try {
    const bench: Bench = { tallyUrl, echoUrl: running.echo.webSocketUrl, tallyPid: running.tally.child.pid!, workers: running.workers, control, durationMs: options.durationMs, observersParse: options.observersParse ?? false, log };
    // First, on the fresh server: garbage the later rows leave (and the memory scrypt takes while
    // registering users) would hide part of the growth in free heap, or shrink it as it is returned.
    const idleMemory = await runIdle(bench, options.idleConnections);
    const accountCount = Math.max(options.connections, options.manyConnections);
    log(`setting up: the auditor's session, ${accountCount} users with an account each`);
    const [auditorSessionToken, accounts] = await Promise.all([signInAuditor(tallyUrl), openAccounts(tallyUrl, accountCount)]);
    const customers: Customers = { auditorSessionToken, accounts };
    const echo = await runEcho(bench, 1, options.connections);
    const transfers = await runTransfers(bench, customers, 2, options.connections, 0, echo.perSecond);
    const transfersObserved = await runTransfers(bench, customers, 3, options.connections, options.observers, echo.perSecond);
    const echoMany = await runEcho(bench, 4, options.manyConnections);
    const transfersMany = await runTransfers(bench, customers, 5, options.manyConnections, 0, echoMany.perSecond);
    const flashSale = await runFlashSale(bench, options.flashShoppers, options.flashUnits);
    log('checking the ledger as the auditor');
    const ledger = await checkLedger(tallyUrl, auditorSessionToken);
    return { echo, transfers, transfersObserved, echoMany, transfersMany, flashSale, idleMemory, ledger };
  } finally {
    await control.close();
  }
}

// --- Setting up -------------------------------------------------------------------------------

/** Signs the auditor in once, on a connection closed at once: observers resume the session. */
export async function signInAuditor(url: string): Promise<string> {
  const client = await openLeanClient(url, { readBroadcasts: false });
  try {
    return (await client.expectResult('auth.signIn', { username: 'auditor', password: auditorPassword })).sessionToken;
  } finally {
    await client.close();
  }
}

/**
 * `accountCount` users with one checking account each, as each browser tab is its own customer. A
 * user's account changes go to every connection of that user, so sharing users between connections
 * would multiply the fan-out per transfer; the price is an scrypt hash (~50 ms) per user at setup.
 */
export async function openAccounts(url: string, accountCount: number): Promise<Customers['accounts']> {
  return mapConcurrently(range(accountCount), registrationsInFlightMax, async (userIndex) => {
    const client = await openLeanClient(url, { readBroadcasts: false });
    try {
      const { sessionToken } = await client.expectResult('auth.register', { username: `bench-user-${userIndex}`, password: customerPassword });
      const { accounts } = await client.expectResult('bank.openAccount', { kind: 'checking', amountCents: openingDepositCents });
      return { sessionToken, accountNumber: accounts[0]!.number };
    } finally {
      await client.close();
    }
  });
}

// --- The rows ---------------------------------------------------------------------------------

/** Prepares every job (one per load process; null: that process sits this row out), then starts them together. */
export async function runJobs<Result extends LoadResult>(workers: readonly LoadWorker[], jobs: ReadonlyArray<LoadJob | null>, beforeGo?: () => Promise<void>): Promise<Result[]> {
  const busy = workers.filter((_, index) => jobs[index] !== null);
  await Promise.all(busy.map((worker) => worker.prepare(jobs[workers.indexOf(worker)]!)));
  await beforeGo?.();
  return (await Promise.all(busy.map((worker) => worker.go()))) as Result[];
}

async function runEcho(bench: Bench, row: number, connections: number): Promise<EchoRow> {
  bench.log(`row ${row}: bare ws echo, ${connections} connections, ${bench.durationMs / 1000} s`);
  const jobs = splitCount(connections, bench.workers.length).map((share): LoadJob | null => (share === 0 ? null : { kind: 'echo', url: bench.echoUrl, connections: share, durationMs: bench.durationMs }));
  const results = await runJobs<EchoResult>(bench.workers, jobs);
  const roundTrips = results.reduce((sum, result) => sum + result.roundTrips, 0);
  const seconds = spanSeconds(results);
  return { connections, roundTrips, seconds, perSecond: roundTrips / seconds, latency: summarizeLatency(results.map((result) => result.latenciesMs)) };
}

async function runTransfers(bench: Bench, customers: Customers, row: number, connectionCount: number, observerCount: number, echoPerSecond: number): Promise<TransfersRow> {
  bench.log(`row ${row}: Tally durable transfers, ${connectionCount} connections, ${observerCount} observers, ${bench.durationMs / 1000} s`);
  const connections: TransferConnection[] = customers.accounts.slice(0, connectionCount).map((account, accountIndex) => ({ ...account, accountIndex }));
  const accountNumbers = connections.map(({ accountNumber }) => accountNumber);
  const auditorObservers = Math.floor(observerCount / 2);
  const auditorShares = splitCount(auditorObservers, bench.workers.length);
  const anonymousShares = splitCount(observerCount - auditorObservers, bench.workers.length);
  const jobs = splitList(connections, bench.workers.length).map((share, index): LoadJob | null => {
    if (share.length + auditorShares[index]! + anonymousShares[index]! === 0) return null;
    const observers = {
      anonymousObservers: anonymousShares[index]!,
      auditorObservers: auditorShares[index]!,
      auditorSessionToken: customers.auditorSessionToken,
      observersParse: bench.observersParse,
    };
    return { kind: 'transfers', url: bench.tallyUrl, connections: share, accountNumbers, durationMs: bench.durationMs, ...observers };
  });
  let seqBefore = 0;
  const results = await runJobs<TransfersResult>(bench.workers, jobs, async () => {
    seqBefore = await committedSeq(bench.control);
  });
  const commits = (await committedSeq(bench.control)) - seqBefore;
  return summarizeTransfers(results, { connections: connectionCount, observers: observerCount, commits }, echoPerSecond);
}

export function summarizeTransfers(results: TransfersResult[], row: Pick<TransfersRow, 'connections' | 'observers' | 'commits'>, echoPerSecond: number): TransfersRow {
  const ok = results.reduce((sum, result) => sum + result.ok, 0);
  const refusedByCode = mergeCounts(results.map((result) => result.refusedByCode));
  const unexpectedByCode = mergeCounts(results.map((result) => result.unexpectedByCode));
  const unansweredByCode = mergeCounts(results.map((result) => result.unansweredByCode));
  const completed = results.flatMap((result) => result.completedPerConnection);
  const seconds = spanSeconds(results);
  const observerTraffic: ObserverTraffic = { anonymousFrames: 0, anonymousBytes: 0, auditorFrames: 0, auditorBytes: 0 };
  for (const { observers } of results) for (const key of Object.keys(observerTraffic) as Array<keyof ObserverTraffic>) observerTraffic[key] += observers[key];
  return {
    ...row,
    ok,
    refused: total(refusedByCode),
    refusedByCode,
    unexpected: total(unexpectedByCode),
    unexpectedByCode,
    unanswered: total(unansweredByCode),
    unansweredByCode,
    seconds,
    perSecond: ok / seconds,
    ratioToEcho: ok / seconds / echoPerSecond,
    latency: summarizeLatency(results.map((result) => result.latenciesMs)),
    loadBroadcastFrames: results.reduce((sum, result) => sum + result.loadBroadcastFrames, 0),
    completedPerConnectionMin: Math.min(...completed),
    connectionsWithNoneCompleted: completed.filter((count) => count === 0).length,
    observerTraffic,
  };
}

/** The newest durable commit, as the server answers a ping. */
async function committedSeq(control: ProtocolClient): Promise<number> {
  const reply = await control.request('ping', {});
  if (!reply.ok) throw new Error(`ping refused: ${reply.error.code}`);
  return reply.seq;
}

async function runFlashSale(bench: Bench, shoppers: number, units: number): Promise<FlashSaleRow> {
  bench.log(`row 6: flash sale, ${shoppers} shoppers for ${units} units, and as many bare echoes at once`);
  const shares = splitCount(shoppers, bench.workers.length);
  const echoJobs = shares.map((share): LoadJob | null => (share === 0 ? null : { kind: 'echoBurst', url: bench.echoUrl, connections: share }));
  const echoes = await runJobs<EchoBurstResult>(bench.workers, echoJobs);
  const echoBurstMs = Math.max(...echoes.map((result) => result.lastEchoAtMs)) - Math.min(...echoes.map((result) => result.firstSentAtMs));
  const productId = bench.control.welcome.products.find((product) => product.name === flashProductName)!.id;
  const firstIndexes = shares.map((_, index) => shares.slice(0, index).reduce((sum, share) => sum + share, 0));
  const saleJobs = shares.map((share, index): LoadJob | null => (share === 0 ? null : { kind: 'flashSale', url: bench.tallyUrl, shoppers: share, firstShopperIndex: firstIndexes[index]!, productId }));
  const results = await runJobs<FlashSaleResult>(bench.workers, saleJobs);
  const refusedByCode = mergeCounts(results.map((result) => result.refusedByCode));
  const unexpectedByCode = mergeCounts(results.map((result) => result.unexpectedByCode));
  const lastAnswerMs = Math.max(...results.map((result) => result.lastAnsweredAtMs)) - Math.min(...results.map((result) => result.firstSentAtMs));
  return {
    shoppers,
    units,
    sold: results.reduce((sum, result) => sum + result.sold, 0),
    refused: total(refusedByCode),
    refusedByCode,
    unexpected: total(unexpectedByCode),
    unexpectedByCode,
    unanswered: results.reduce((sum, result) => sum + result.unanswered, 0),
    lastAnswerMs,
    perSecond: shoppers / (lastAnswerMs / 1000),
    latency: summarizeLatency(results.map((result) => result.latenciesMs)),
    echoBurstMs,
    ratioToEcho: echoBurstMs / lastAnswerMs,
  };
}

async function runIdle(bench: Bench, connections: number): Promise<IdleMemoryRow> {
  bench.log(`row 7 (first, on the fresh server): ${connections} idle connections`);
  await sleep(idleSettleMs);
  const residentBeforeKib = readResidentKib(bench.tallyPid);
  let residentAfterKib = 0;
  const jobs = splitCount(connections, bench.workers.length).map((share): LoadJob | null => (share === 0 ? null : { kind: 'idle', url: bench.tallyUrl, connections: share }));
  let openedAtMs = 0;
  const startedAtMs = performance.now();
  const results = await runJobs<IdleResult>(bench.workers, jobs, async () => {
    openedAtMs = performance.now();
    await sleep(idleSettleMs);
    residentAfterKib = readResidentKib(bench.tallyPid);
  });
  const welcomed = results.reduce((sum, result) => sum + result.welcomed, 0);
  if (welcomed !== connections) throw new Error(`only ${welcomed} of ${connections} idle connections were welcomed`);
  return { connections, residentBeforeKib, residentAfterKib, kibPerConnection: (residentAfterKib - residentBeforeKib) / connections, openSeconds: (openedAtMs - startedAtMs) / 1000 };
}

export async function checkLedger(url: string, auditorSessionToken: string): Promise<IntegrityReport> {
  const client = await openLeanClient(url, { readBroadcasts: false });
  try {
    await client.expectResult('auth.resume', { sessionToken: auditorSessionToken });
    return (await client.expectResult('audit.check', {})).report;
  } finally {
    await client.close();
  }
}

// --- Verdict ----------------------------------------------------------------------------------

function findFailures(result: BenchSuiteResult): string[] {
  const failures: string[] = [];
  const { ledger, flashSale } = result;
  if (!ledger.ok) failures.push(`the ledger check failed: ${ledger.problems.join('; ')}`);
  const transferRows: Array<[string, TransfersRow]> = [['row 2', result.transfers], ['row 3', result.transfersObserved], ['row 5', result.transfersMany]];
  for (const [name, row] of transferRows) {
    if (row.ok === 0) failures.push(`${name}: no transfer succeeded`);
    if (row.unexpected > 0) failures.push(`${name}: ${row.unexpected} transfers failed with an error that is no business refusal (${formatCounts(row.unexpectedByCode)})`);
    if (row.unanswered > 0) failures.push(`${name}: ${row.unanswered} transfers went unanswered (${formatCounts(row.unansweredByCode)})`);
  }
  const expectedSold = Math.min(flashSale.units, flashSale.shoppers);
  if (flashSale.sold !== expectedSold) failures.push(`row 6: the flash sale sold ${flashSale.sold}, not min(units, shoppers) = ${expectedSold}`);
  if (flashSale.unexpected > 0) failures.push(`row 6: ${flashSale.unexpected} checkouts failed with an error that is no business refusal (${formatCounts(flashSale.unexpectedByCode)})`);
  if (flashSale.unanswered > 0) failures.push(`row 6: ${flashSale.unanswered} checkouts went unanswered`);
  return failures;
}

// --- Pure helpers -----------------------------------------------------------------------------

/** `count` split over `parts` as evenly as can be, the larger shares first. */
export function splitCount(count: number, parts: number): number[] {
  return range(parts).map((index) => Math.floor(count / parts) + (index < count % parts ? 1 : 0));
}

/** `items` cut into `parts` consecutive slices of splitCount's sizes. */
export function splitList<Item>(items: readonly Item[], parts: number): Item[][] {
  let start = 0;
  return splitCount(items.length, parts).map((size) => items.slice(start, (start += size)));
}

export function summarizeLatency(samples: readonly Float64Array[]): LatencySummary | null {
  const sorted = new Float64Array(samples.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of samples) {
    sorted.set(part, offset);
    offset += part.length;
  }
  if (sorted.length === 0) return null;
  sorted.sort();
  const percentile = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
  return { samples: sorted.length, p50Ms: percentile(0.5), p99Ms: percentile(0.99), p999Ms: percentile(0.999) };
}

/** From the first load process's start to the last one's end, in seconds. */
export function spanSeconds(results: ReadonlyArray<{ startedAtMs: number; endedAtMs: number }>): number {
  return (Math.max(...results.map((result) => result.endedAtMs)) - Math.min(...results.map((result) => result.startedAtMs))) / 1000;
}

function mergeCounts(parts: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const part of parts) for (const [key, count] of Object.entries(part)) merged[key] = (merged[key] ?? 0) + count;
  return merged;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
const sleep = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, delayMs));

// --- Options and the command line -------------------------------------------------------------

function checkOptions(options: BenchSuiteOptions): void {
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  };
  if (!(options.durationMs >= durationMsMin && options.durationMs <= durationMsMax)) {
    throw new RangeError(`--seconds must be ${durationMsMin / 1000} to ${durationMsMax / 1000}, got ${options.durationMs / 1000}`);
  }
  // A transfer needs another account to go to.
  whole('--connections', options.connections, 2, 100_000);
  whole('--many-connections', options.manyConnections, 2, 100_000);
  whole('--observers', options.observers, 0, 100_000);
  whole('--idle-connections', options.idleConnections, 1, 1_000_000);
  whole('--flash-shoppers', options.flashShoppers, 1, 1_000_000);
  whole('--flash-units', options.flashUnits, 0, seedStockMax);
  whole('--load-processes', options.loadProcesses, 1, 256);
  checkOpenFiles(options);
}

/** The server holds every connection of a row at once, and each load process its share: both must fit in the open-files limit. */
function checkOpenFiles(options: BenchSuiteOptions): void {
  const limit = openFilesLimit();
  if (limit === null) return;
  const connectionsMax = Math.max(options.idleConnections, options.flashShoppers, options.manyConnections, options.connections + options.observers);
  if (connectionsMax + openFilesHeadroom > limit) {
    throw new RangeError(`a row opens ${connectionsMax} connections at once, but a process may open ${limit} files (ulimit -n); raise the limit or lower the counts`);
  }
}

interface SuiteCommand {
  options: BenchSuiteOptions;
  jsonPath: string | null;
  /** The cluster rows after the suite (bench/cluster.ts), on this PostgreSQL; null: --no-cluster. */
  clusterPostgresUrl: string | null;
}

function readOptions(argv: readonly string[]): SuiteCommand {
  const defaults = defaultBenchSuiteOptions;
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seconds: { type: 'string', default: String(defaults.durationMs / 1000) },
      connections: { type: 'string', default: String(defaults.connections) },
      'many-connections': { type: 'string', default: String(defaults.manyConnections) },
      observers: { type: 'string', default: String(defaults.observers) },
      'idle-connections': { type: 'string', default: String(defaults.idleConnections) },
      'flash-shoppers': { type: 'string', default: String(defaults.flashShoppers) },
      'flash-units': { type: 'string', default: String(defaults.flashUnits) },
      'load-processes': { type: 'string', default: String(defaults.loadProcesses) },
      json: { type: 'string' },
      'profile-server': { type: 'string' },
      'observers-parse': { type: 'boolean', default: false },
      'in-memory-database': { type: 'boolean', default: false },
      'no-cluster': { type: 'boolean', default: false },
      'cluster-postgres': { type: 'string', default: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test' },
      postgres: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const options: BenchSuiteOptions = {
    durationMs: Number(values.seconds) * 1000,
    connections: Number(values.connections),
    manyConnections: Number(values['many-connections']),
    observers: Number(values.observers),
    idleConnections: Number(values['idle-connections']),
    flashShoppers: Number(values['flash-shoppers']),
    flashUnits: Number(values['flash-units']),
    loadProcesses: Number(values['load-processes']),
    log: (line) => console.error(`… ${line}`),
    ...(values['profile-server'] === undefined ? {} : { serverProfileDirectory: values['profile-server'] }),
    observersParse: values['observers-parse'],
    inMemoryDatabase: values['in-memory-database'],
    ...(values.postgres === undefined ? {} : { postgresUrl: values.postgres }),
  };
  return { options, jsonPath: values.json ?? null, clusterPostgresUrl: values['no-cluster'] ? null : values['cluster-postgres'] };
}

async function main(): Promise<number> {
  let command;
  try {
    command = readOptions(process.argv.slice(2));
    checkOptions(command.options);
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 2;
  }
  const result = await runBenchSuite(command.options);
  console.log(formatReport(result));
  if (command.jsonPath !== null) writeFileSync(command.jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  const clusterPassed = command.clusterPostgresUrl === null ? true : await runClusterRows(command.options, command.clusterPostgresUrl);
  return result.failures.length === 0 && clusterPassed ? 0 : 1;
}

/**
 * The cluster rows (bench/cluster.ts: pgbench's one transaction per transfer, then Tally on 1, 2 and
 * 3 processes sharing PostgreSQL) with this run's length, connections and load processes. Skipped,
 * saying so in one line, when PostgreSQL does not answer.
 */
async function runClusterRows(options: BenchSuiteOptions, postgresUrl: string): Promise<boolean> {
  // Loaded only now: bench/cluster.ts builds on this module.
  const { formatClusterReport } = await import('./cluster-report.ts');
  const { runBenchCluster, postgresAnswers } = await import('./cluster.ts');
  if (!(await postgresAnswers(postgresUrl))) {
    console.log(`\ncluster rows skipped: PostgreSQL does not answer at ${postgresUrl} (set --cluster-postgres, or --no-cluster)`);
    return true;
  }
  const cluster = await runBenchCluster({
    postgresUrl,
    durationMs: Math.max(1_000, Math.round(options.durationMs / 1_000) * 1_000),
    connections: options.connections,
    nodeCounts: [1, 2, 3],
    loadProcesses: options.loadProcesses,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  console.log(`\n${formatClusterReport(cluster)}`);
  return cluster.failures.length === 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
