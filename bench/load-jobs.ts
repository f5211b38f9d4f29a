/**
 * What `bench/suite.ts` asks a load process (`bench/load-worker.ts`) to do, and what it answers,
 * over the IPC channel. Every job has two phases, so that all load processes start measuring at
 * the same moment: `prepare` (connect, sign in, fill carts) is answered `ready`, then `go`
 * (measure, then close every connection it opened) is answered `done` with the job's result.
 *
 * Times that are compared across processes are epoch milliseconds (`epochNowMs`): every process
 * on the machine reads the same clock, at sub-millisecond resolution.
 */

/** One Tally connection of a transfers job: whose session it resumes and the one account it spends from. */
export interface TransferConnection {
  sessionToken: string;
  accountNumber: string;
  /** Its account's place in the job's `accountNumbers`, so it never sends money to itself. */
  accountIndex: number;
}

export interface EchoJob {
  kind: 'echo';
  url: string;
  connections: number;
  durationMs: number;
}

/** Every connection sends one frame at the same moment; how long until the last echo is back. */
export interface EchoBurstJob {
  kind: 'echoBurst';
  url: string;
  connections: number;
}

export interface TransfersJob {
  kind: 'transfers';
  /** Where the observers connect, and the transfer connections when `urls` is absent. */
  url: string;
  /**
   * Several servers of one cluster (bench/cluster.ts): transfer connection i connects to
   * urls[accountIndex % urls.length], so the load is spread round-robin over them.
   */
  urls?: string[];
  connections: TransferConnection[];
  /** Every account of the row, across all load processes: the targets. */
  accountNumbers: string[];
  durationMs: number;
  /** Tabs that only watch: connected and reading every broadcast. */
  anonymousObservers: number;
  auditorObservers: number;
  /** The auditor's session, resumed by every auditor observer (null when there are none). */
  auditorSessionToken: string | null;
  /** Observers parse every broadcast as a tab does, rather than only count its frames and bytes. */
  observersParse: boolean;
}

export interface FlashSaleJob {
  kind: 'flashSale';
  url: string;
  shoppers: number;
  /** Numbers the shoppers' names, so that names differ across load processes. */
  firstShopperIndex: number;
  productId: number;
}

export interface IdleJob {
  kind: 'idle';
  url: string;
  connections: number;
}

export type LoadJob = EchoJob | EchoBurstJob | TransfersJob | FlashSaleJob | IdleJob;

export interface EchoResult {
  kind: 'echo';
  roundTrips: number;
  latenciesMs: Float64Array;
  startedAtMs: number;
  endedAtMs: number;
}

export interface EchoBurstResult {
  kind: 'echoBurst';
  echoes: number;
  firstSentAtMs: number;
  lastEchoAtMs: number;
}

export interface TransfersResult {
  kind: 'transfers';
  ok: number;
  /** Business refusals (e.g. insufficient_funds), by code. */
  refusedByCode: Record<string, number>;
  /** Any other refusal (internal, server_busy, invalid_message …), by code. */
  unexpectedByCode: Record<string, number>;
  /** Requests the client failed (connection dropped before the answer), by client error code. */
  unansweredByCode: Record<string, number>;
  latenciesMs: Float64Array;
  /** Transfers answered (ok or refused) by each connection, for starvation. */
  completedPerConnection: number[];
  startedAtMs: number;
  endedAtMs: number;
  /** Broadcast frames the load connections received and skipped (their own user's account changes, stats). */
  loadBroadcastFrames: number;
  observers: ObserverTraffic;
}

/** What the observers received during the measured window. */
export interface ObserverTraffic {
  anonymousFrames: number;
  anonymousBytes: number;
  auditorFrames: number;
  auditorBytes: number;
}

export interface FlashSaleResult {
  kind: 'flashSale';
  sold: number;
  refusedByCode: Record<string, number>;
  unexpectedByCode: Record<string, number>;
  unanswered: number;
  latenciesMs: Float64Array;
  firstSentAtMs: number;
  lastAnsweredAtMs: number;
}

export interface IdleResult {
  kind: 'idle';
  /** Connections that got their welcome (prepare fails if any does not). */
  welcomed: number;
  /** How long opening them all took in this process. */
  openMs: number;
}

export type LoadResult = EchoResult | EchoBurstResult | TransfersResult | FlashSaleResult | IdleResult;

export type ParentMessage = { type: 'prepare'; job: LoadJob } | { type: 'go' };
/** `started` once the worker listens: a message sent before that could be lost. */
export type WorkerMessage = { type: 'started' } | { type: 'ready' } | { type: 'done'; result: LoadResult } | { type: 'failed'; message: string };

// --- Helpers both sides use ------------------------------------------------------------------

/** Wall-clock milliseconds with performance.now()'s resolution; comparable across processes on one machine. */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Adds `count` under `key`. */
export function countInto(counts: Record<string, number>, key: string, count = 1): void {
  counts[key] = (counts[key] ?? 0) + count;
}

/** Runs `map` over `items` with at most `limit` running at once; results in the order of `items`. */
export async function mapConcurrently<Item, Output>(items: readonly Item[], limit: number, map: (item: Item, index: number) => Promise<Output>): Promise<Output[]> {
  const results = new Array<Output>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await map(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** 0, 1, … count-1. */
export function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
