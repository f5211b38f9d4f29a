/**
 * `npm run bench:cluster`: Tally as a cluster (N server processes on one PostgreSQL database),
 * against two ceilings measured in the same run on the same machine: a bare `ws` echo server, and
 * pgbench doing one PostgreSQL transaction per transfer (issue 17's baseline: its goal is ≥ 3×).
 *
 *   npm run bench:cluster -- [--postgres <url>] [--seconds 5] [--connections 64] [--nodes 1,2,3]
 *                            [--load-processes <cores>] [--json <file>] [--profile-servers <dir>]
 *
 * Rows: (1) echo round trips with --connections; (2) pgbench with as many clients, on a table of as
 * many accounts; (3) for each N in --nodes, durable transfers with --connections spread round-robin
 * over the N processes; (4) for N ≥ 2, during that same load, the lag from a commit on node 1 to a
 * tab on node 2: a probe deposits into its own account every probeIntervalMs on node 1, and a second
 * tab of the same user on node 2 times the change's arrival (both clocks are this process's).
 *
 * Each cluster size gets a fresh schema of its own, and the baseline another; all are dropped after.
 * The auditor checks the ledger after each cluster row. It exits 1 if a ledger check fails, a
 * transfer or probe deposit failed other than by a business refusal or went unanswered, a probe
 * deposit never reached node 2, or pgbench (when installed) failed. Every process it started is
 * stopped however the run ends, Ctrl-C included.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import type { ProtocolClient } from '../shared/client/protocol-client.ts';
import { RequestError } from '../shared/client/request-error.ts';
import { clusterEndpointsMax } from '../shared/limits.ts';
import type { IntegrityReport } from '../shared/protocol.ts';
import { dropSchema } from '../server/storage/postgres/database.ts';
import { isPostgresUrl } from '../server/storage/open-storage.ts';
import { formatClusterReport } from './cluster-report.ts';
import { formatCounts } from './suite-report.ts';
import { openLeanClient } from './lean-client.ts';
import { countInto, range, type EchoResult, type LoadJob, type TransferConnection, type TransfersResult } from './load-jobs.ts';
import { LoadWorker, openFilesLimit, startEchoProcess, startTallyProcess, stopProcess, type ServerProcess } from './suite-processes.ts';
import {
  auditorPassword,
  checkLedger,
  openAccounts,
  openFilesHeadroom,
  runJobs,
  signInAuditor,
  spanSeconds,
  splitCount,
  splitList,
  summarizeLatency,
  summarizeTransfers,
  type EchoRow,
  type LatencySummary,
  type TransfersRow,
} from './suite.ts';

export const defaultPostgresUrl = 'postgresql://postgres@127.0.0.1:5432/test';
const defaultPostgresPort = 5432;
/** Whole seconds: pgbench's -T takes no fraction. Every latency sample is kept (see bench/suite.ts). */
const durationSecondsMin = 1;
const durationSecondsMax = 60;
/** The probe's pace: a deposit every 50 ms, ~20 lag samples a second, too few to load the cluster. */
const probeIntervalMs = 50;
const probeDepositCents = 1;
const probeOpeningCents = 100;
const probePassword = 'bench-probe-password';
/** After the load stops, how long the probe waits for its last deposits to reach node 2's tab. */
const lagGraceMs = 2_000;
const lagPollMs = 10;
/** The baseline's opening balance per account: as Tally's, more than a run of ≤ $10 transfers spends. */
const baselineOpeningCents = 100_000_000;
/** The baseline moves 1 to this many cents, as the load processes' transfers do (bench/load-worker.ts). */
const baselineAmountCentsMax = 1_000;
/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture Node runs on. */
const clockTicksPerSecond = 100;
/** The file pgbench reads its transactions from, and the prefix of its per-transaction logs. */
const pgbenchScriptName = 'transfer.sql';
const pgbenchLogPrefix = 'pgbench-log';

export interface BenchClusterOptions {
  /** PostgreSQL, without Tally's `schema` parameter: each row adds its own. */
  postgresUrl: string;
  durationMs: number;
  connections: number;
  /** The cluster sizes to measure, in order. */
  nodeCounts: number[];
  loadProcesses: number;
  /** Where each Tally process writes its V8 CPU profile when it exits, if anywhere. */
  profileDirectory?: string;
  /** Progress, one line per step; silent when absent. */
  log?: (line: string) => void;
}

/** Cores each part of the machine used during a row (from /proc). */
export interface CpuUse {
  /** The whole machine's busy share, 0 to 1: on a shared machine, more than the parts below. */
  machineBusy: number;
  /** Cores the cluster's processes used. */
  tallyCores: number;
  /** Cores the PostgreSQL backends serving the cluster used (not WAL writer, checkpointer, or other clients'). */
  postgresCores: number;
  loadCores: number;
}

export type BaselineRow =
  | { available: false; reason: string; failed: boolean }
  | {
      available: true;
      clients: number;
      threads: number;
      /** pgbench's `tps = … (without initial connection time)`. */
      perSecond: number;
      transactions: number;
      failedTransactions: number;
      ratioToEcho: number;
      latency: LatencySummary | null;
      /** The whole machine's busy share during the run, 0 to 1 (pgbench's backends exit with it, so are not counted apart). */
      machineBusy: number;
    };

/** Commit on node 1 to tab on node 2, in ms, over the probe's deposits. */
export interface LagRow {
  deposits: number;
  samples: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Deposits whose change had not reached node 2's tab lagGraceMs after the load stopped. */
  missing: number;
  /** Deposits refused or unanswered, by code: a fault. */
  faultsByCode: Record<string, number>;
}

export interface ClusterRow {
  nodes: number;
  transfers: TransfersRow;
  /** Transfers per second over the pgbench baseline's; null when there is no baseline. */
  ratioToBaseline: number | null;
  cpu: CpuUse;
  lag: LagRow | null;
  ledger: IntegrityReport;
  /** What each Tally process printed after it started, node 1 first. */
  serverLogs: string[][];
}

export interface BenchClusterResult {
  options: Omit<BenchClusterOptions, 'log'>;
  echo: EchoRow;
  baseline: BaselineRow;
  clusters: ClusterRow[];
  /** Why the run failed, in words; empty when it passed. */
  failures: string[];
  machine: { cores: number; cpuModel: string; node: string; platform: string };
  date: string;
}

/**
 * What a run must undo however it ends (processes to stop, schemas to drop, files to remove), last
 * added first. Undoing is serialized: a signal mid-run waits for the run's own undoing and then
 * finishes it; anything added after `close` is undone at once.
 */
export class Teardown {
  readonly #steps: Array<() => Promise<void>> = [];
  readonly #onError: (error: unknown) => void;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  add(step: () => Promise<void>): void {
    if (this.#closed) this.#queue = this.#queue.then(() => this.#run(step));
    else this.#steps.push(step);
  }

  /** How many steps there are now: undoTo(mark) later undoes only those added since. */
  mark(): number {
    return this.#steps.length;
  }

  undoTo(mark: number): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      while (this.#steps.length > mark) await this.#run(this.#steps.pop()!);
    });
    return this.#queue;
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.undoTo(0);
  }

  async #run(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.#onError(error);
    }
  }
}

/** What every row needs. */
interface Run {
  options: BenchClusterOptions;
  log: (line: string) => void;
  teardown: Teardown;
  /** One connection to PostgreSQL: creates the baseline's tables, reads each cluster's commit counter. */
  admin: postgres.Sql;
  /** A temporary folder: the catalog, pgbench's script and logs. */
  directory: string;
  /** Every schema of this run starts with it. */
  schemaPrefix: string;
  /** Where PostgreSQL listens, to tell the cluster's backends from other clients'. */
  postgresPort: number;
  echoUrl: string;
  workers: LoadWorker[];
}

export async function runBenchCluster(options: BenchClusterOptions, teardown = new Teardown(() => {})): Promise<BenchClusterResult> {
  checkOptions(options);
  const log = options.log ?? (() => {});
  const directory = mkdtempSync(join(tmpdir(), 'tally-bench-cluster-'));
  teardown.add(async () => rmSync(directory, { recursive: true, force: true }));
  try {
    const admin = postgres(options.postgresUrl, { max: 1, onnotice: () => {} });
    teardown.add(() => admin.end({ timeout: 5 }));
    log(`starting the echo server and ${options.loadProcesses} load processes`);
    const echoStarting = tracked(teardown, startEchoProcess(), (server) => stopProcess(server.child));
    const workersStarting = range(options.loadProcesses).map(() => tracked(teardown, LoadWorker.start(), (worker) => worker.stop()));
    await allStarted<unknown>([echoStarting, ...workersStarting]);
    const [echoServer, workers] = await Promise.all([echoStarting, Promise.all(workersStarting)]);
    const run: Run = { options, log, teardown, admin, directory, schemaPrefix: `tally_bench_${randomBytes(6).toString('hex')}`, postgresPort: postgresPortOf(options.postgresUrl), echoUrl: echoServer.webSocketUrl, workers };
    const echo = await runEcho(run);
    const baseline = await runBaseline(run, echo.perSecond);
    const clusters: ClusterRow[] = [];
    for (const nodeCount of options.nodeCounts) clusters.push(await runCluster(run, nodeCount, echo.perSecond, baseline));
    const { log: _log, ...shownOptions } = options;
    const result: BenchClusterResult = {
      options: { ...shownOptions, postgresUrl: withoutPassword(options.postgresUrl) },
      echo,
      baseline,
      clusters,
      failures: [],
      machine: { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` },
      date: new Date().toISOString(),
    };
    result.failures = findFailures(result);
    return result;
  } finally {
    await teardown.undoTo(0);
  }
}

/** Adds what started to the teardown as soon as it has started, so a sibling's failure still stops it. */
function tracked<Started>(teardown: Teardown, starting: Promise<Started>, stop: (started: Started) => Promise<void>): Promise<Started> {
  return starting.then((started) => {
    teardown.add(() => stop(started));
    return started;
  });
}

/** Waits for every start to settle (so each that succeeded is tracked), then throws the first failure. */
async function allStarted<Started>(startings: ReadonlyArray<Promise<Started>>): Promise<Started[]> {
  const outcomes = await Promise.allSettled(startings);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<Started>).value);
}

// --- Row 1: the echo ceiling --------------------------------------------------------------------

async function runEcho(run: Run): Promise<EchoRow> {
  const { connections, durationMs } = run.options;
  run.log(`row 1: bare ws echo, ${connections} connections, ${durationMs / 1000} s`);
  const jobs = splitCount(connections, run.workers.length).map((share): LoadJob | null => (share === 0 ? null : { kind: 'echo', url: run.echoUrl, connections: share, durationMs }));
  const results = await runJobs<EchoResult>(run.workers, jobs);
  const roundTrips = results.reduce((sum, result) => sum + result.roundTrips, 0);
  const seconds = spanSeconds(results);
  return { connections, roundTrips, seconds, perSecond: roundTrips / seconds, latency: summarizeLatency(results.map((result) => result.latenciesMs)) };
}

// --- Row 2: the pgbench baseline ----------------------------------------------------------------

async function runBaseline(run: Run, echoPerSecond: number): Promise<BaselineRow> {
  const { connections, durationMs } = run.options;
  const threads = Math.min(cpus().length, connections);
  run.log(`row 2: pgbench, one transaction per transfer, ${connections} clients on ${threads} threads, ${durationMs / 1000} s`);
  const mark = run.teardown.mark();
  const schema = `${run.schemaPrefix}_pgbench`;
  try {
    run.teardown.add(() => dropSchema(run.options.postgresUrl, schema));
    await createBaselineTables(run.admin, schema, connections);
    writeFileSync(join(run.directory, pgbenchScriptName), baselineScript(connections));
    const args = ['-n', '-c', String(connections), '-j', String(threads), '-T', String(durationMs / 1000), '-f', pgbenchScriptName, '-l', '--log-prefix', pgbenchLogPrefix, run.options.postgresUrl];
    const machineOnly: CpuSubjects = { tallyPids: [], loadPids: [], postgresPort: run.postgresPort };
    const cpuBefore = await readCpuTicks(run.admin, machineOnly);
    const outcome = await runPgbench(run, args, schema);
    const { machineBusy } = cpuUse(cpuBefore, await readCpuTicks(run.admin, machineOnly), durationMs / 1000);
    if (outcome === 'not_found') return { available: false, reason: 'pgbench not found on PATH: no baseline', failed: false };
    const parsed = parsePgbenchOutput(outcome.stdout);
    if (outcome.code !== 0 || parsed === null) {
      const said = `${outcome.stderr}\n${outcome.stdout}`.trim().split('\n').slice(-3).join(' / ');
      return { available: false, reason: `pgbench exited ${outcome.code}: ${said}`, failed: true };
    }
    const latency = summarizeLatency([readPgbenchLatencies(run.directory)]);
    return { available: true, clients: connections, threads, ...parsed, ratioToEcho: parsed.perSecond / echoPerSecond, latency, machineBusy };
  } finally {
    await run.teardown.undoTo(mark);
  }
}

/** `accounts` accounts (ids 1…accounts) with balances, and an empty ledger, in a schema of their own. */
async function createBaselineTables(admin: postgres.Sql, schema: string, accounts: number): Promise<void> {
  await admin.unsafe(`CREATE SCHEMA ${schema}`);
  await admin.unsafe(`CREATE TABLE ${schema}.accounts (id integer PRIMARY KEY, balance_cents bigint NOT NULL)`);
  await admin.unsafe(`INSERT INTO ${schema}.accounts SELECT id, ${baselineOpeningCents} FROM generate_series(1, ${accounts}) AS id`);
  await admin.unsafe(
    `CREATE TABLE ${schema}.ledger (id bigserial PRIMARY KEY, from_id integer NOT NULL, to_id integer NOT NULL, amount_cents bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
}

/**
 * One transfer, one transaction: lock both rows in id order (so two transfers never deadlock),
 * move the money, record it. What a hand-written bank on PostgreSQL does per request.
 */
/** True when PostgreSQL at `url` answers a query within a few seconds. */
export async function postgresAnswers(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await probe`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

export function baselineScript(accounts: number): string {
  const lines = [
    `\\set a random(1, ${accounts})`,
    `\\set b random(1, ${accounts})`,
    `\\set amount random(1, ${baselineAmountCentsMax})`,
    'BEGIN;',
    'SELECT id, balance_cents FROM accounts WHERE id IN (:a, :b) ORDER BY id FOR UPDATE;',
    'UPDATE accounts SET balance_cents = balance_cents - :amount WHERE id = :a;',
    'UPDATE accounts SET balance_cents = balance_cents + :amount WHERE id = :b;',
    'INSERT INTO ledger (from_id, to_id, amount_cents) VALUES (:a, :b, :amount);',
    'END;',
  ];
  return `${lines.join('\n')}\n`;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** pgbench in the run's folder (its script and logs are there), on the baseline's schema; 'not_found' when it is not installed. */
function runPgbench(run: Run, args: readonly string[], schema: string): Promise<Finished | 'not_found'> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('pgbench', args, { cwd: run.directory, env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Only once it runs: a child that never spawned (not installed) never emits the `exit` stopProcess awaits.
    child.once('spawn', () => run.teardown.add(() => stopProcess(child)));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve('not_found') : reject(error)));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The numbers of pgbench's summary; null when its tps line is missing. */
export function parsePgbenchOutput(stdout: string): { perSecond: number; transactions: number; failedTransactions: number } | null {
  const tps = /^tps = ([\d.]+) \(without initial connection time\)$/m.exec(stdout);
  if (tps === null) return null;
  const transactions = /^number of transactions actually processed: (\d+)/m.exec(stdout);
  const failed = /^number of failed transactions: (\d+)/m.exec(stdout);
  return { perSecond: Number(tps[1]), transactions: Number(transactions?.[1] ?? 0), failedTransactions: Number(failed?.[1] ?? 0) };
}

/** Every transaction's latency from pgbench's logs (one file per thread), in ms. */
function readPgbenchLatencies(directory: string): Float64Array {
  const latenciesMs: number[] = [];
  for (const name of readdirSync(directory).filter((file) => file.startsWith(`${pgbenchLogPrefix}.`))) {
    latenciesMs.push(...parsePgbenchLog(readFileSync(join(directory, name), 'utf8')));
  }
  return Float64Array.from(latenciesMs);
}

/** `client_id transaction_no time_us script_no epoch epoch_us`: the third field, in ms (a failed one says `failed`). */
export function parsePgbenchLog(text: string): number[] {
  const latenciesMs: number[] = [];
  for (const line of text.split('\n')) {
    const latencyUs = Number(line.split(' ')[2]);
    if (line !== '' && Number.isFinite(latencyUs)) latenciesMs.push(latencyUs / 1000);
  }
  return latenciesMs;
}

// --- Rows 3 and 4: a cluster of N, and its commit-to-tab lag ------------------------------------

async function runCluster(run: Run, nodeCount: number, echoPerSecond: number, baseline: BaselineRow): Promise<ClusterRow> {
  const { connections, durationMs, postgresUrl } = run.options;
  const mark = run.teardown.mark();
  const schema = `${run.schemaPrefix}_n${nodeCount}`;
  try {
    run.teardown.add(() => dropSchema(postgresUrl, schema));
    run.log(`row 3: starting ${nodeCount} Tally processes on schema ${schema}`);
    const servers = await startCluster(run, schema, nodeCount);
    const urls = servers.map((server) => server.webSocketUrl);
    run.log(`setting up: the auditor's session, ${connections} users with an account each${nodeCount >= 2 ? ', the lag probe' : ''}`);
    const [auditorSessionToken, accounts, probe] = await Promise.all([signInAuditor(urls[0]!), openAccounts(urls[0]!, connections), nodeCount >= 2 ? openLagProbe(run, urls[0]!, urls[1]!) : null]);
    run.log(`row 3: Tally, ${nodeCount} nodes, ${connections} connections, ${durationMs / 1000} s${probe === null ? '' : ', the lag probe on nodes 1 and 2'}`);
    const connectionsOfRow: TransferConnection[] = accounts.map((account, accountIndex) => ({ ...account, accountIndex }));
    const accountNumbers = connectionsOfRow.map(({ accountNumber }) => accountNumber);
    const jobs = splitList(connectionsOfRow, run.workers.length).map((share): LoadJob | null =>
      share.length === 0 ? null : { kind: 'transfers', url: urls[0]!, urls, connections: share, accountNumbers, durationMs, anonymousObservers: 0, auditorObservers: 0, auditorSessionToken: null, observersParse: false },
    );
    const subjects: CpuSubjects = { tallyPids: servers.map((server) => server.child.pid!), loadPids: run.workers.map((worker) => worker.child.pid!), postgresPort: run.postgresPort };
    let before = { seq: 0, cpu: await readCpuTicks(run.admin, subjects) };
    const results = await runJobs<TransfersResult>(run.workers, jobs, async () => {
      before = { seq: await committedSeq(run.admin, schema), cpu: await readCpuTicks(run.admin, subjects) };
      probe?.start();
    });
    const after = { seq: await committedSeq(run.admin, schema), cpu: await readCpuTicks(run.admin, subjects) };
    const transfers = summarizeTransfers(results, { connections, observers: 0, commits: after.seq - before.seq }, echoPerSecond);
    const lag = probe === null ? null : await probe.stop();
    run.log(`checking the ledger as the auditor (${nodeCount} nodes)`);
    const ledger = await checkLedger(urls[0]!, auditorSessionToken);
    return {
      nodes: nodeCount,
      transfers,
      ratioToBaseline: baseline.available ? transfers.perSecond / baseline.perSecond : null,
      cpu: cpuUse(before.cpu, after.cpu, transfers.seconds),
      lag,
      ledger,
      serverLogs: servers.map((server) => [...server.log, ...(server.logLinesDropped > 0 ? [`… and ${server.logLinesDropped} more lines`] : [])]),
    };
  } finally {
    await run.teardown.undoTo(mark);
  }
}

/** N Tally processes on one fresh schema, all started at once, as an operator would start them. */
async function startCluster(run: Run, schema: string, nodeCount: number): Promise<ServerProcess[]> {
  const catalogPath = join(run.directory, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify({ products: [{ name: 'Bench lamp', description: 'Not for sale in this run.', emoji: '💡', priceCents: 100, stock: 1 }] }));
  const settings = {
    databasePath: databaseUrl(run.options.postgresUrl, schema),
    catalogPath,
    webRoot: run.directory,
    auditorPassword,
    ...(run.options.profileDirectory === undefined ? {} : { profileDirectory: run.options.profileDirectory }),
  };
  return allStarted(range(nodeCount).map(() => tracked(run.teardown, startTallyProcess(settings), (server) => stopProcess(server.child))));
}

/** The cluster's newest commit number, read from its commit-order row. */
async function committedSeq(admin: postgres.Sql, schema: string): Promise<number> {
  const rows = await admin.unsafe<Array<{ value: string | number }>>(`SELECT value FROM ${schema}.meta WHERE key = 'commit_seq'`);
  if (rows.length === 0) throw new Error(`no commit_seq in ${schema}.meta`);
  return Number(rows[0]!.value);
}

interface VersionAt {
  version: number;
  atMs: number;
}

interface LagProbe {
  /** Deposits every probeIntervalMs from now on. */
  start(): void;
  /** Stops depositing, waits up to lagGraceMs for the last changes, closes both tabs. */
  stop(): Promise<LagRow>;
}

/**
 * One user, two tabs: one on node 1 that deposits into the user's own account, one on node 2 that
 * reads broadcasts. Each reply and each change carries the account's version, which only the
 * probe's deposits raise (no transfer goes to it), so the two are paired by version.
 */
async function openLagProbe(run: Run, nodeOneUrl: string, nodeTwoUrl: string): Promise<LagProbe> {
  const writer = await openLeanClient(nodeOneUrl, { readBroadcasts: false });
  run.teardown.add(() => writer.close());
  const reader = await openLeanClient(nodeTwoUrl, { readBroadcasts: true });
  run.teardown.add(() => reader.close());
  const { sessionToken } = await writer.expectResult('auth.register', { username: 'bench-lag-probe', password: probePassword });
  const { accounts } = await writer.expectResult('bank.openAccount', { kind: 'checking', amountCents: probeOpeningCents });
  const accountNumber = accounts[0]!.number;
  await reader.expectResult('auth.resume', { sessionToken });
  const arrivals: VersionAt[] = [];
  reader.on('changes', (changes) => {
    const atMs = performance.now();
    for (const account of changes.accounts ?? []) if (account.number === accountNumber) arrivals.push({ version: account.version, atMs });
  });
  const replies: VersionAt[] = [];
  const faultsByCode: Record<string, number> = {};
  let depositing = false;
  let loop: Promise<void> = Promise.resolve();
  const depositUntilStopped = async () => {
    while (depositing) {
      const sentAt = performance.now();
      try {
        const reply = await writer.request('bank.deposit', { accountNumber, amountCents: probeDepositCents });
        if (!reply.ok) countInto(faultsByCode, reply.error.code);
        else replies.push({ version: reply.result.accounts.find((account) => account.number === accountNumber)!.version, atMs: performance.now() });
      } catch (error) {
        countInto(faultsByCode, error instanceof RequestError ? error.code : 'exception');
        return;
      }
      await sleep(Math.max(0, sentAt + probeIntervalMs - performance.now()));
    }
  };
  return {
    start: () => {
      depositing = true;
      loop = depositUntilStopped();
    },
    stop: async () => {
      depositing = false;
      await loop;
      const lastVersion = replies.at(-1)?.version ?? 0;
      const graceEndsAt = performance.now() + lagGraceMs;
      while (!arrivals.some((arrival) => arrival.version >= lastVersion) && performance.now() < graceEndsAt) await sleep(lagPollMs);
      await Promise.all([writer.close(), reader.close()]);
      return summarizeLag(replies, arrivals, faultsByCode);
    },
  };
}

/**
 * Each reply's lag: from the reply on node 1 to the first change on node 2 that holds its version
 * or a later one (a tab that falls behind gets the latest state, not every step). Negative when
 * node 2's tab heard of the commit before node 1's reply arrived.
 */
export function pairLags(replies: readonly VersionAt[], arrivals: readonly VersionAt[]): { lagsMs: number[]; missing: number } {
  const lagsMs: number[] = [];
  let missing = 0;
  for (const reply of replies) {
    const arrival = arrivals.find((candidate) => candidate.version >= reply.version);
    if (arrival === undefined) missing += 1;
    else lagsMs.push(arrival.atMs - reply.atMs);
  }
  return { lagsMs, missing };
}

function summarizeLag(replies: readonly VersionAt[], arrivals: readonly VersionAt[], faultsByCode: Record<string, number>): LagRow {
  const { lagsMs, missing } = pairLags(replies, arrivals);
  const latency = summarizeLatency([Float64Array.from(lagsMs)]);
  return {
    deposits: replies.length,
    samples: lagsMs.length,
    p50Ms: latency?.p50Ms ?? null,
    p99Ms: latency?.p99Ms ?? null,
    maxMs: lagsMs.length === 0 ? null : Math.max(...lagsMs),
    missing,
    faultsByCode,
  };
}

// --- Where the time goes: CPU from /proc ----------------------------------------------------------

/** Who to count: the cluster's processes, the load processes, and PostgreSQL's port (to find the cluster's backends). */
interface CpuSubjects {
  tallyPids: readonly number[];
  loadPids: readonly number[];
  postgresPort: number;
}

interface CpuTicks {
  machineBusy: number;
  machineTotal: number;
  tally: number;
  load: number;
  /** Each PostgreSQL backend serving the cluster, by pid (a backend lives as long as its pooled connection). */
  backends: Map<number, number>;
}

async function readCpuTicks(admin: postgres.Sql, subjects: CpuSubjects): Promise<CpuTicks> {
  // cpu  user nice system idle iowait irq softirq steal …
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const machineTotal = fields.reduce((sum, ticks) => sum + ticks, 0);
  const backendPids = await backendPidsOf(admin, subjects.tallyPids, subjects.postgresPort);
  return {
    machineBusy: machineTotal - fields[3]! - fields[4]!,
    machineTotal,
    tally: sumTicks(subjects.tallyPids),
    load: sumTicks(subjects.loadPids),
    backends: new Map(backendPids.map((pid) => [pid, processTicks(pid) ?? 0])),
  };
}

/**
 * The PostgreSQL backends serving these processes, and not the machine's other PostgreSQL clients:
 * their TCP sockets to PostgreSQL's port (/proc/<pid>/fd, /proc/net/tcp*) give the client ports
 * that pg_stat_activity names the backends by. None when they connect over a Unix socket.
 */
async function backendPidsOf(admin: postgres.Sql, pids: readonly number[], postgresPort: number): Promise<number[]> {
  const inodes = new Set(pids.flatMap((pid) => socketInodes(pid)));
  const clientPorts: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length < 10 || !inodes.has(columns[9]!)) continue;
      if (hexPort(columns[2]!) === postgresPort) clientPorts.push(hexPort(columns[1]!));
    }
  }
  if (clientPorts.length === 0) return [];
  const rows = await admin.unsafe<Array<{ pid: number }>>('SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])', [clientPorts]);
  return rows.map((row) => row.pid);
}

function socketInodes(pid: number): string[] {
  const inodes: string[] = [];
  for (const fd of readdirOrNone(`/proc/${pid}/fd`)) {
    const match = /^socket:\[(\d+)\]$/.exec(readlinkOrNone(`/proc/${pid}/fd/${fd}`));
    if (match !== null) inodes.push(match[1]!);
  }
  return inodes;
}

/** `0100007F:1538` → 5432. */
const hexPort = (address: string) => Number.parseInt(address.slice(address.lastIndexOf(':') + 1), 16);

/** /proc/<pid>/stat: `pid (name) state …`, user and system time its 14th and 15th fields; null once it has exited. */
function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

const sumTicks = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + (processTicks(pid) ?? 0), 0);

function cpuUse(before: CpuTicks, after: CpuTicks, seconds: number): CpuUse {
  const cores = (ticks: number) => ticks / clockTicksPerSecond / seconds;
  const total = after.machineTotal - before.machineTotal;
  // A backend that connected during the row had used nothing before it.
  let backendTicks = 0;
  for (const [pid, ticks] of after.backends) backendTicks += ticks - (before.backends.get(pid) ?? 0);
  return {
    machineBusy: total === 0 ? 0 : (after.machineBusy - before.machineBusy) / total,
    tallyCores: cores(after.tally - before.tally),
    postgresCores: cores(backendTicks),
    loadCores: cores(after.load - before.load),
  };
}

// --- Verdict ------------------------------------------------------------------------------------

function findFailures(result: BenchClusterResult): string[] {
  const failures: string[] = [];
  if (!result.baseline.available && result.baseline.failed) failures.push(`row 2: ${result.baseline.reason}`);
  for (const { nodes, transfers, ledger, lag } of result.clusters) {
    const name = `${nodes} nodes`;
    if (!ledger.ok) failures.push(`${name}: the ledger check failed: ${ledger.problems.join('; ')}`);
    if (transfers.ok === 0) failures.push(`${name}: no transfer succeeded`);
    if (transfers.unexpected > 0) failures.push(`${name}: ${transfers.unexpected} transfers failed with an error that is no business refusal (${formatCounts(transfers.unexpectedByCode)})`);
    if (transfers.unanswered > 0) failures.push(`${name}: ${transfers.unanswered} transfers went unanswered (${formatCounts(transfers.unansweredByCode)})`);
    if (lag === null) continue;
    const faults = Object.values(lag.faultsByCode).reduce((sum, count) => sum + count, 0);
    if (faults > 0) failures.push(`${name}: ${faults} probe deposits failed (${formatCounts(lag.faultsByCode)})`);
    if (lag.samples === 0) failures.push(`${name}: no probe deposit reached node 2's tab`);
    if (lag.missing > 0) failures.push(`${name}: ${lag.missing} of ${lag.deposits} probe deposits had not reached node 2's tab ${lagGraceMs} ms after the load stopped`);
  }
  return failures;
}

// --- Helpers ------------------------------------------------------------------------------------

/** Tally's form of a PostgreSQL URL: the schema a run keeps its tables in, as a query parameter. */
function databaseUrl(postgresUrl: string, schema: string): string {
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** The URL's port, or PostgreSQL's default. */
const postgresPortOf = (url: string) => Number(new URL(url).port || defaultPostgresPort);

function readdirOrNone(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** The link's target; '' when it is gone (a descriptor closed meanwhile). */
function readlinkOrNone(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

const sleep = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, delayMs));

// --- Options and the command line -------------------------------------------------------------

function checkOptions(options: BenchClusterOptions): void {
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  };
  whole('--seconds', options.durationMs / 1000, durationSecondsMin, durationSecondsMax);
  // A transfer needs another account to go to.
  whole('--connections', options.connections, 2, 100_000);
  whole('--load-processes', options.loadProcesses, 1, 256);
  if (options.nodeCounts.length === 0) throw new RangeError('--nodes must name at least one cluster size, e.g. 1,2,3');
  for (const nodeCount of options.nodeCounts) whole('each of --nodes', nodeCount, 1, clusterEndpointsMax);
  if (!isPostgresUrl(options.postgresUrl)) throw new RangeError(`--postgres must be a postgres:// URL, got "${options.postgresUrl}"`);
  if (new URL(options.postgresUrl).searchParams.has('schema')) throw new RangeError('--postgres must not name a schema: each row makes its own');
  const limit = openFilesLimit();
  if (limit !== null && options.connections + openFilesHeadroom > limit) {
    throw new RangeError(`a row opens ${options.connections} connections at once, but a process may open ${limit} files (ulimit -n); raise the limit or lower --connections`);
  }
}

function readOptions(argv: readonly string[]): { options: BenchClusterOptions; jsonPath: string | null } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      postgres: { type: 'string', default: defaultPostgresUrl },
      seconds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '64' },
      nodes: { type: 'string', default: '1,2,3' },
      'load-processes': { type: 'string', default: String(cpus().length) },
      json: { type: 'string' },
      'profile-servers': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const options: BenchClusterOptions = {
    postgresUrl: values.postgres,
    durationMs: Number(values.seconds) * 1000,
    connections: Number(values.connections),
    nodeCounts: values.nodes.split(',').map((count) => Number(count.trim())),
    loadProcesses: Number(values['load-processes']),
    ...(values['profile-servers'] === undefined ? {} : { profileDirectory: values['profile-servers'] }),
    log: (line) => console.error(`… ${line}`),
  };
  return { options, jsonPath: values.json ?? null };
}

async function main(): Promise<number> {
  let command;
  try {
    command = readOptions(process.argv.slice(2));
    checkOptions(command.options);
  } catch (error) {
    console.error(`bench:cluster: ${(error as Error).message}`);
    return 2;
  }
  const teardown = new Teardown((error) => console.error(`bench:cluster: while cleaning up: ${error instanceof Error ? error.message : String(error)}`));
  // Ctrl-C or a kill: stop what was started and drop the schemas before going. The signal often
  // comes twice (to the process group, and relayed by tsx's parent): a repeat must not cut it short.
  let stopping = false;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`bench:cluster: ${signal}: stopping every process it started, dropping every schema it made`);
      void teardown.close().then(() => process.exit(code));
    });
  }
  const result = await runBenchCluster(command.options, teardown);
  console.log(formatClusterReport(result));
  if (command.jsonPath !== null) writeFileSync(command.jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  return result.failures.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`bench:cluster: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
