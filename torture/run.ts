/**
 * `npm run torture`: a Jepsen-style check that every state-changing request is carried out exactly
 * once. N clients move money and race for scarce stock while a nemesis SIGKILLs the server every
 * few seconds and restarts it on the same database; clients reconnect, resume and re-send with the
 * same keys, and every answered request is sometimes delivered twice on purpose. At the end the
 * state is read back through the protocol alone and checked (torture/checker.ts).
 *
 *   npm run torture -- [--clients 16] [--seconds 60] [--kill-every 5] [--seed N] [--unsafe-server]
 *                      [--nodes 3] [--postgres <postgres://url>]
 *
 * With --postgres the server runs on PostgreSQL (a schema of its own, dropped after); with --nodes N
 * (PostgreSQL, DATABASE_URL or the local default when --postgres is not given) N server processes
 * share it, clients are spread over them, and the nemesis kills one node at a time and keeps it down
 * for a while, so its clients must move to another node, resume there and re-send.
 *
 * Exit code 0 when nothing is lost, duplicated or otherwise wrong; 1 with the offending requests named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ProtocolClient, type SocketLike } from '../shared/client/protocol-client.ts';
import { checkHistory, formatReport, type CheckReport } from './checker.ts';
import type { TortureHistory } from './history.ts';
import { seededRandom } from '../shared/seeded-random.ts';
import { TortureCluster, TortureServer, freePort } from './server-process.ts';
import { randomBytes } from 'node:crypto';
import { clusterEndpointsMax } from '../shared/limits.ts';
import { dropSchema } from '../server/storage/postgres/database.ts';
import { connectClient, readFinalState, readInitialState, runClient, type TortureClient, type WorkloadTally } from './workload.ts';

export interface TortureOptions {
  clients: number;
  seconds: number;
  killEverySeconds: number;
  seed: number;
  /** Run against a server started with --unsafe-skip-idempotency: the check must then fail. */
  unsafeServer: boolean;
  /** One answered request in this many is delivered again under its key. */
  duplicateEvery: number;
  /** Server processes sharing the database (more than one needs PostgreSQL). */
  nodes: number;
  /** Run on PostgreSQL at this URL (a schema of the run's own) instead of a SQLite file. */
  postgresUrl?: string;
  log: (line: string) => void;
}

export interface TortureOutcome {
  report: CheckReport;
  kills: number;
  repeatsSent: number;
  repeatMismatches: string[];
  ok: boolean;
}

const auditorPassword = 'torture-auditor-password';
/** How long, after the deadline, clients may take to get answers to what they still wait for. */
const settleTimeoutMs = 60_000;
const productCount = 4;

/** Scarce on purpose: about two units per client per product, so the last units are raced for. */
function catalog(clients: number) {
  return {
    products: Array.from({ length: productCount }, (_, index) => ({
      name: `Scarce ${index + 1}`,
      description: 'raced for by every torture client',
      emoji: '',
      priceCents: 150 * (index + 1),
      stock: 2 * clients,
    })),
  };
}

export async function runTorture(options: TortureOptions): Promise<TortureOutcome> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-torture-'));
  const catalogPath = join(directory, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify(catalog(options.clients)));
  const postgresUrl = options.postgresUrl ?? (options.nodes > 1 ? defaultPostgresUrl : undefined);
  const schema = `tally_torture_${randomBytes(6).toString('hex')}`;
  const databasePath = postgresUrl === undefined ? join(directory, 'torture.sqlite') : withSchema(postgresUrl, schema);
  const ports: number[] = [];
  for (let node = 0; node < options.nodes; node += 1) ports.push(await freePort());
  const endpoints = options.nodes > 1 ? ports.map((port) => `ws://127.0.0.1:${port}/ws`) : [];
  const server = new TortureCluster(
    ports.map((port) => new TortureServer({ port, databasePath, catalogPath, auditorPassword, unsafeSkipIdempotency: options.unsafeServer, endpoints })),
  );
  const clients: TortureClient[] = [];
  let auditor: ProtocolClient | null = null;
  try {
    await server.start();
    const runId = options.seed.toString(36);
    for (let index = 0; index < options.clients; index += 1) clients.push(await connectClient(server.webSocketUrls, index, runId));
    auditor = await connectAuditor(server.webSocketUrls);
    const usernames = new Set(clients.map((client) => client.username));
    const initial = await readInitialState(auditor, usernames);
    const where = postgresUrl === undefined ? 'SQLite' : `PostgreSQL, ${options.nodes} node${options.nodes === 1 ? '' : 's'}`;
    options.log(`${options.clients} clients, ${options.seconds} s, ${where}, a kill every ~${options.killEverySeconds} s, seed ${options.seed}${options.unsafeServer ? ', UNSAFE server' : ''}`);

    const tally: WorkloadTally = { records: [], repeatMismatches: [], repeatsSent: 0 };
    const random = seededRandom(options.seed);
    server.startNemesis(options.killEverySeconds * 1000, random);
    const deadlineMs = performance.now() + options.seconds * 1000;
    const loops = clients.map((client) => runClient(client, clients, seededRandom(options.seed * 1_000 + client.index), { deadlineMs, duplicateEvery: options.duplicateEvery }, tally));
    await Promise.all(loops.map((loop, index) => loop.catch((error: unknown) => options.log(`client ${index} stopped: ${String(error)}`))));
    await server.stopNemesis();
    if (server.nemesisError !== null) throw new Error(`the nemesis failed: ${String(server.nemesisError)}`);
    await settleOrGiveUp(clients);
    await auditor.online();
    const history: TortureHistory = { initial, operations: tally.records, final: await readFinalState(auditor, clients, initial) };
    const report = checkHistory(history);
    const ok = report.ok && tally.repeatMismatches.length === 0;
    return { report, kills: server.kills, repeatsSent: tally.repeatsSent, repeatMismatches: tally.repeatMismatches, ok };
  } finally {
    await Promise.all([...clients.map(({ client }) => client.close()), auditor?.close()]);
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
    if (postgresUrl !== undefined) await dropSchema(postgresUrl, schema);
  }
}

/** Where a cluster run goes when no --postgres is given: the test database (DATABASE_URL), as the tests use. */
const defaultPostgresUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

async function connectAuditor(urls: readonly string[]): Promise<ProtocolClient> {
  const auditor = new ProtocolClient({
    url: urls[0]!,
    alternateUrls: urls,
    createSocket: (socketUrl) => new WebSocket(socketUrl, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 }) as unknown as SocketLike,
    validateBroadcasts: false,
    onConnected: async (connection) => {
      const reply = await connection.request('auth.signIn', { username: 'auditor', password: auditorPassword });
      if (!reply.ok) throw new Error(`the auditor could not sign in: ${reply.error.message}`);
    },
  });
  auditor.start();
  await auditor.online();
  return auditor;
}

/** Waits until no client has a request still waiting for its answer, at most settleTimeoutMs. */
async function settleOrGiveUp(clients: readonly TortureClient[]): Promise<void> {
  const giveUpAtMs = performance.now() + settleTimeoutMs;
  while (clients.some(({ client }) => client.pendingCount > 0) && performance.now() < giveUpAtMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function formatOutcome(outcome: TortureOutcome): string {
  const lines = [`kills ${outcome.kills}`, `duplicated deliveries sent ${outcome.repeatsSent}`];
  for (const mismatch of outcome.repeatMismatches.slice(0, 10)) lines.push(`REPEAT ANSWERED DIFFERENTLY: ${mismatch}`);
  lines.push(formatReport(outcome.report));
  return lines.join('\n');
}

function readOptions(argv: readonly string[]): TortureOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      clients: { type: 'string', default: '16' },
      seconds: { type: 'string', default: '60' },
      'kill-every': { type: 'string', default: '5' },
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      'duplicate-every': { type: 'string', default: '10' },
      'unsafe-server': { type: 'boolean', default: false },
      nodes: { type: 'string', default: '1' },
      postgres: { type: 'string' },
    },
    strict: true,
  });
  const whole = (name: string, text: string, min: number, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const killEverySeconds = Number(values['kill-every']);
  if (!(killEverySeconds >= 0.5 && killEverySeconds <= 3_600)) throw new Error(`--kill-every must be 0.5 to 3600 seconds, got "${values['kill-every']}"`);
  return {
    clients: whole('clients', values.clients, 2, 256),
    seconds: whole('seconds', values.seconds, 1, 86_400),
    killEverySeconds,
    seed: whole('seed', values.seed, 0, 2 ** 31 - 1),
    duplicateEvery: whole('duplicate-every', values['duplicate-every'], 1, 1_000_000),
    unsafeServer: values['unsafe-server'],
    nodes: whole('nodes', values.nodes, 1, clusterEndpointsMax),
    ...(values.postgres === undefined ? {} : { postgresUrl: values.postgres }),
    log: (line) => console.log(line),
  };
}

async function main(): Promise<number> {
  let options: TortureOptions;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`torture: ${(error as Error).message}`);
    return 2;
  }
  const outcome = await runTorture(options);
  console.log(formatOutcome(outcome));
  return outcome.ok ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`torture: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
