/**
 * A load process of `npm run bench` (bench/suite.ts forks one per core): it takes one job at a time
 * over IPC (see bench/load-jobs.ts), opens the job's connections on `prepare`, answers `ready`,
 * measures on `go`, closes everything it opened and answers `done` with what it counted.
 *
 * Tally connections use the one protocol client (bench/lean-client.ts); echo connections are bare
 * `ws` sockets sending a frame the size of a `bank.transfer` request.
 */
import WebSocket from 'ws';
import type { ProtocolClient } from '../shared/client/protocol-client.ts';
import { RequestError } from '../shared/client/request-error.ts';
import { frameBytesMax } from '../shared/limits.ts';
import { openLeanClient } from './lean-client.ts';
import {
  countInto,
  epochNowMs,
  mapConcurrently,
  range,
  type EchoBurstJob,
  type EchoBurstResult,
  type EchoJob,
  type EchoResult,
  type FlashSaleJob,
  type FlashSaleResult,
  type IdleJob,
  type IdleResult,
  type LoadJob,
  type LoadResult,
  type ObserverTraffic,
  type ParentMessage,
  type TransferConnection,
  type TransfersJob,
  type TransfersResult,
  type WorkerMessage,
} from './load-jobs.ts';

/**
 * Connections one load process opens at once. The server's listen backlog is 511: a burst past it
 * makes the kernel drop handshakes, which are retried only a second later.
 */
const connectsInFlightMax = 128;
/** Each transfer moves 1 to this many cents, so no opening deposit runs dry within a run. */
const transferAmountCentsMax = 1_000;
/** Refusals a transfer may meet in a correct run; any other is a fault. */
const transferBusinessRefusals: ReadonlySet<string> = new Set(['insufficient_funds', 'balance_limit']);
/** The one refusal a flash-sale checkout may meet: someone else bought the last units first. */
const checkoutBusinessRefusals: ReadonlySet<string> = new Set(['out_of_stock']);

/** The frame the echo connections send: a `bank.transfer` request as the load connections send it. */
const echoFrame = JSON.stringify({
  type: 'bank.transfer',
  requestId: 'mbx0a1b2c-0123456789abcdef-1234',
  fromAccountNumber: '482017593672',
  toAccountNumber: '739104628563',
  amountCents: 123,
});

/** A prepared job: its connections are open; `go` measures and closes them. */
type Prepared = () => Promise<LoadResult>;

let prepared: Prepared | null = null;

function send(message: WorkerMessage): void {
  process.send!(message);
}

async function processOnMessage(message: ParentMessage): Promise<void> {
  try {
    if (message.type === 'prepare') {
      prepared = await prepare(message.job);
      send({ type: 'ready' });
      return;
    }
    if (prepared === null) throw new Error('go arrived before a job was prepared');
    const go = prepared;
    prepared = null;
    send({ type: 'done', result: await go() });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

function prepare(job: LoadJob): Promise<Prepared> {
  switch (job.kind) {
    case 'echo':
      return prepareEcho(job);
    case 'echoBurst':
      return prepareEchoBurst(job);
    case 'transfers':
      return prepareTransfers(job);
    case 'flashSale':
      return prepareFlashSale(job);
    case 'idle':
      return prepareIdle(job);
    default:
      return assertNever(job);
  }
}

// --- Bare echo ----------------------------------------------------------------------------------

function openEchoSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: frameBytesMax });
    socket.once('open', () => resolve(socket));
    // Before the open: the connection failed. After it: `close` follows, and closedEarly reports it.
    socket.on('error', reject);
  });
}

const openEchoSockets = (url: string, count: number) => mapConcurrently(range(count), connectsInFlightMax, () => openEchoSocket(url));

/** A socket that closes before its echo is a fault of the run, not a slow echo. */
function closedEarly(socket: WebSocket, reject: (error: Error) => void): void {
  socket.once('close', (code) => reject(new Error(`an echo connection closed (${code}) before the run ended`)));
}

async function prepareEcho(job: EchoJob): Promise<Prepared> {
  const sockets = await openEchoSockets(job.url, job.connections);
  return async () => {
    const latenciesMs: number[] = [];
    const startedAtMs = epochNowMs();
    const deadline = performance.now() + job.durationMs;
    const loop = (socket: WebSocket) =>
      new Promise<void>((resolve, reject) => {
        closedEarly(socket, reject);
        let sentAt = performance.now();
        socket.on('message', () => {
          const now = performance.now();
          latenciesMs.push(now - sentAt);
          if (now >= deadline) return resolve();
          sentAt = now;
          socket.send(echoFrame);
        });
        socket.send(echoFrame);
      });
    await Promise.all(sockets.map(loop));
    const endedAtMs = epochNowMs();
    terminate(sockets);
    return { kind: 'echo', roundTrips: latenciesMs.length, latenciesMs: Float64Array.from(latenciesMs), startedAtMs, endedAtMs } satisfies EchoResult;
  };
}

async function prepareEchoBurst(job: EchoBurstJob): Promise<Prepared> {
  const sockets = await openEchoSockets(job.url, job.connections);
  return async () => {
    let echoes = 0;
    let lastEchoAtMs = 0;
    const firstSentAtMs = epochNowMs();
    const echoed = sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          closedEarly(socket, reject);
          socket.once('message', () => {
            echoes += 1;
            lastEchoAtMs = epochNowMs();
            resolve();
          });
          socket.send(echoFrame);
        }),
    );
    await Promise.all(echoed);
    terminate(sockets);
    return { kind: 'echoBurst', echoes, firstSentAtMs, lastEchoAtMs } satisfies EchoBurstResult;
  };
}

function terminate(sockets: readonly WebSocket[]): void {
  for (const socket of sockets) {
    socket.removeAllListeners('close');
    socket.terminate();
  }
}

// --- Tally transfers, with observers ------------------------------------------------------------

interface LoadConnection {
  client: ProtocolClient;
  connection: TransferConnection;
  /** Transfers answered, ok or refused. */
  completed: number;
}

interface TransferTally {
  ok: number;
  refusedByCode: Record<string, number>;
  unexpectedByCode: Record<string, number>;
  unansweredByCode: Record<string, number>;
  latenciesMs: number[];
}

async function prepareTransfers(job: TransfersJob): Promise<Prepared> {
  const loads = await mapConcurrently(job.connections, connectsInFlightMax, async (connection): Promise<LoadConnection> => {
    const url = job.urls === undefined ? job.url : job.urls[connection.accountIndex % job.urls.length]!;
    const client = await openLeanClient(url, { readBroadcasts: false });
    await client.expectResult('auth.resume', { sessionToken: connection.sessionToken });
    return { client, connection, completed: 0 };
  });
  const observers = await openObservers(job);
  return async () => {
    const tally: TransferTally = { ok: 0, refusedByCode: {}, unexpectedByCode: {}, unansweredByCode: {}, latenciesMs: [] };
    const skippedBefore = sumOf(loads, ({ client }) => client.broadcastsSkipped);
    observers.start();
    const startedAtMs = epochNowMs();
    const deadline = performance.now() + job.durationMs;
    await Promise.all(loads.map((load) => transferUntil(load, job.accountNumbers, deadline, tally)));
    const endedAtMs = epochNowMs();
    const traffic = observers.stop();
    const loadBroadcastFrames = sumOf(loads, ({ client }) => client.broadcastsSkipped) - skippedBefore;
    await Promise.all([...loads.map(({ client }) => client.close()), ...observers.clients.map((client) => client.close())]);
    return {
      kind: 'transfers',
      ...tally,
      latenciesMs: Float64Array.from(tally.latenciesMs),
      completedPerConnection: loads.map(({ completed }) => completed),
      startedAtMs,
      endedAtMs,
      loadBroadcastFrames,
      observers: traffic,
    } satisfies TransfersResult;
  };
}

/** One request in flight, as fast as the answers come, until the deadline. */
async function transferUntil(load: LoadConnection, accountNumbers: readonly string[], deadline: number, tally: TransferTally): Promise<void> {
  const { client, connection } = load;
  while (performance.now() < deadline) {
    const toAccountNumber = accountNumbers[otherIndex(accountNumbers.length, connection.accountIndex)]!;
    const amountCents = 1 + Math.floor(Math.random() * transferAmountCentsMax);
    const sentAt = performance.now();
    let reply;
    try {
      reply = await client.request('bank.transfer', { fromAccountNumber: connection.accountNumber, toAccountNumber, amountCents });
    } catch (error) {
      // Without reconnecting, a dropped connection ends this connection's run.
      countInto(tally.unansweredByCode, error instanceof RequestError ? error.code : 'exception');
      return;
    }
    tally.latenciesMs.push(performance.now() - sentAt);
    load.completed += 1;
    if (reply.ok) tally.ok += 1;
    else if (transferBusinessRefusals.has(reply.error.code)) countInto(tally.refusedByCode, reply.error.code);
    else countInto(tally.unexpectedByCode, reply.error.code);
  }
}

/** A uniformly random index below `count` other than `own`. */
function otherIndex(count: number, own: number): number {
  const index = Math.floor(Math.random() * (count - 1));
  return index >= own ? index + 1 : index;
}

interface Observers {
  clients: ProtocolClient[];
  /** Counts from now on. */
  start(): void;
  /** Stops counting; what arrived since `start`. */
  stop(): ObserverTraffic;
}

/**
 * Tabs that get every broadcast: anonymous ones, and the auditor's (resuming one session). They
 * count its frames and bytes, and parse it only with observersParse: parsing 100 tabs' JSON in the
 * load processes would take the cores the server is measured on.
 */
async function openObservers(job: TransfersJob): Promise<Observers> {
  const traffic: ObserverTraffic = { anonymousFrames: 0, anonymousBytes: 0, auditorFrames: 0, auditorBytes: 0 };
  let counting = false;
  const anonymous = await mapConcurrently(range(job.anonymousObservers), connectsInFlightMax, () =>
    openLeanClient(job.url, {
      readBroadcasts: job.observersParse,
      onFrameBytes: (bytes) => {
        if (!counting) return;
        traffic.anonymousFrames += 1;
        traffic.anonymousBytes += bytes;
      },
    }),
  );
  const auditors = await mapConcurrently(range(job.auditorObservers), connectsInFlightMax, async () => {
    const client = await openLeanClient(job.url, {
      readBroadcasts: job.observersParse,
      onFrameBytes: (bytes) => {
        if (!counting) return;
        traffic.auditorFrames += 1;
        traffic.auditorBytes += bytes;
      },
    });
    await client.expectResult('auth.resume', { sessionToken: job.auditorSessionToken! });
    return client;
  });
  return {
    clients: [...anonymous, ...auditors],
    start: () => (counting = true),
    stop: () => {
      counting = false;
      return { ...traffic };
    },
  };
}

// --- Flash sale ---------------------------------------------------------------------------------

interface Shopper {
  client: ProtocolClient;
  expectedTotalCents: number;
}

/** Each shopper: a session, one unit of the product in the cart. */
async function prepareFlashSale(job: FlashSaleJob): Promise<Prepared> {
  const shoppers = await mapConcurrently(range(job.shoppers), connectsInFlightMax, async (index): Promise<Shopper> => {
    const number = job.firstShopperIndex + index;
    const client = await openLeanClient(job.url, { readBroadcasts: false });
    await client.expectResult('session.start', { name: `Flash shopper ${number}`, address: `${number} Bench Street` });
    const { cart } = await client.expectResult('cart.add', { productId: job.productId, quantity: 1 });
    return { client, expectedTotalCents: cart.totalCents };
  });
  return async () => {
    const result: FlashSaleResult = { kind: 'flashSale', sold: 0, refusedByCode: {}, unexpectedByCode: {}, unanswered: 0, latenciesMs: new Float64Array(shoppers.length), firstSentAtMs: epochNowMs(), lastAnsweredAtMs: 0 };
    let answers = 0;
    // Every checkout is written to its socket in this one loop, before any answer can be read.
    const answered = shoppers.map(async ({ client, expectedTotalCents }) => {
      const sentAt = performance.now();
      try {
        const reply = await client.request('checkout', { expectedTotalCents });
        result.latenciesMs[answers] = performance.now() - sentAt;
        answers += 1;
        result.lastAnsweredAtMs = epochNowMs();
        if (reply.ok) result.sold += 1;
        else if (checkoutBusinessRefusals.has(reply.error.code)) countInto(result.refusedByCode, reply.error.code);
        else countInto(result.unexpectedByCode, reply.error.code);
      } catch {
        result.unanswered += 1;
      }
    });
    await Promise.all(answered);
    await Promise.all(shoppers.map(({ client }) => client.close()));
    return { ...result, latenciesMs: result.latenciesMs.slice(0, answers) };
  };
}

// --- Idle connections ---------------------------------------------------------------------------

/** Opens the connections and holds them until `go`, which closes them. */
async function prepareIdle(job: IdleJob): Promise<Prepared> {
  const startedAt = performance.now();
  const clients = await mapConcurrently(range(job.connections), connectsInFlightMax, () => openLeanClient(job.url, { readBroadcasts: false }));
  const openMs = performance.now() - startedAt;
  return async () => {
    await Promise.all(clients.map((client) => client.close()));
    return { kind: 'idle', welcomed: clients.length, openMs } satisfies IdleResult;
  };
}

// --- Helpers ------------------------------------------------------------------------------------

function sumOf<Item>(items: readonly Item[], value: (item: Item) => number): number {
  return items.reduce((sum, item) => sum + value(item), 0);
}

function assertNever(value: never): never {
  throw new Error(`unknown job ${JSON.stringify(value)}`);
}

process.on('message', (message: ParentMessage) => void processOnMessage(message));
// The suite is gone (it exited or was killed): so is the reason to hold connections open.
process.on('disconnect', () => process.exit(0));
send({ type: 'started' });
