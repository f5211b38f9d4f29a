import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';
import type { ServerMessage, UserView } from '../../shared/protocol.ts';

/** Who a tab is, most privileged first: one tab signed in to the bank and shopping counts once, as its bank role. */
export type ConnectionRole = 'auditor' | 'customer' | 'shopper' | 'anonymous';

export const connectionRoles: readonly ConnectionRole[] = ['auditor', 'customer', 'shopper', 'anonymous'];

export interface ConnectionIdentity {
  readonly user: Pick<UserView, 'role'> | null;
  readonly shopper: unknown;
}

export function connectionRole(connection: ConnectionIdentity): ConnectionRole {
  if (connection.user !== null) return connection.user.role;
  return connection.shopper !== null ? 'shopper' : 'anonymous';
}

/** Why the gateway disconnected a tab that could not keep up. */
export type SlowClientCloseReason = 'too_far_behind' | 'send_buffer_overflow' | 'outgoing_memory_budget' | 'heartbeat_timeout';

/** What a tab's connection counts: its changes frames and, when it falls behind, why. */
export type ConnectionMetrics = Pick<TallyMetrics, 'changesFrameSent' | 'changesConflated' | 'slowClientDisconnected'>;

/** The `type` label of a frame that was not a valid message (its type cannot be trusted). */
export const invalidRequestType = 'invalid';

export interface TallyMetricsOptions {
  /** The open tabs, read at every scrape. */
  connections: () => Iterable<ConnectionIdentity>;
}

/**
 * Every metric one Tally server exposes at `/metrics`, in its own registry (several servers may
 * share a process in tests), followed by the process's metrics (`processMetricsRegistry`).
 * Numbers counted per tab and per commit are plain fields, read into prom-client at scrape time,
 * so the fan-out's hot path pays an addition, not a label lookup.
 */
export class TallyMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'type' | 'outcome'>;
  readonly #commitBatchOperations: Histogram;
  readonly #commitSyncSeconds: Histogram;
  readonly #commitSyncFailures: Counter;
  readonly #batchRetries: Counter;
  readonly #commitFeedReadFailures: Counter;
  readonly #requestSeconds: Histogram;
  readonly #slowClientsDisconnected: Counter<'reason'>;
  readonly #rateLimitRefusals: Counter<'limit'>;
  #fanOutFrames = 0;
  #fanOutBytes = 0;
  #slowClientConflations = 0;

  constructor(options: TallyMetricsOptions) {
    const registers = [this.registry];
    new Gauge({
      name: 'tally_connections',
      help: 'Open WebSocket connections by who the tab is: auditor, customer (signed in to the bank), shopper (a store session only) or anonymous.',
      labelNames: ['role'],
      registers,
      collect() {
        const counts = new Map(connectionRoles.map((role) => [role, 0]));
        for (const connection of options.connections()) {
          const role = connectionRole(connection);
          counts.set(role, counts.get(role)! + 1);
        }
        for (const [role, count] of counts) this.set({ role }, count);
      },
    });
    this.#requests = new Counter({
      name: 'tally_requests_total',
      help: `Requests answered, by message type ("${invalidRequestType}" for a frame that is not a valid message) and outcome ("ok" or the error code).`,
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.#requestSeconds = new Histogram({
      name: 'tally_request_duration_seconds',
      help: 'Time from a request frame received to its reply sent; for a write this includes its durable commit.',
      buckets: exponentialBuckets(0.000_5, 2, 14),
      registers,
    });
    this.#commitBatchOperations = new Histogram({
      name: 'tally_commit_batch_operations',
      help: 'Operations in each durable commit (one transaction of the group commit).',
      buckets: exponentialBuckets(1, 2, 10),
      registers,
    });
    this.#commitSyncSeconds = new Histogram({
      name: 'tally_commit_sync_duration_seconds',
      help: 'Time each sync took to make committed transactions durable (an fdatasync of the WAL); replies wait for it.',
      buckets: exponentialBuckets(0.000_1, 2, 15),
      registers,
    });
    this.#commitSyncFailures = new Counter({
      name: 'tally_commit_sync_failures_total',
      help: 'Syncs that failed; after the first the server refuses every write and must be restarted.',
      registers,
    });
    this.#batchRetries = new Counter({
      name: 'tally_commit_batch_retries_total',
      help: 'Batches the database aborted for a retryable reason (deadlock, lock wait timeout, serialization failure) and that ran again.',
      registers,
    });
    this.#commitFeedReadFailures = new Counter({
      name: 'tally_commit_feed_read_failures_total',
      help: 'Reads of the commit feed (other processes\' commits) that failed; the next poll tries again.',
      registers,
    });
    this.#counterReadAtScrape('tally_fanout_frames_total', 'Changes frames written to tabs, including the merged frame a slow tab gets once it drains.', () => this.#fanOutFrames);
    this.#counterReadAtScrape('tally_fanout_bytes_total', 'Bytes of those changes frames.', () => this.#fanOutBytes);
    this.#counterReadAtScrape(
      'tally_slow_client_conflations_total',
      "Commits whose changes were merged into a slow tab's pending latest state instead of sent as they were.",
      () => this.#slowClientConflations,
    );
    this.#slowClientsDisconnected = new Counter({
      name: 'tally_slow_clients_disconnected_total',
      help: 'Tabs disconnected for not keeping up: too_far_behind (too many pending changes), send_buffer_overflow (stopped reading) outgoing_memory_budget (held the most unread data when all tabs together passed the budget) or heartbeat_timeout (did not answer the ping).',
      labelNames: ['reason'],
      registers,
    });
    this.#rateLimitRefusals = new Counter({
      name: 'tally_rate_limit_refusals_total',
      help: 'Requests or connections refused by a rate limit, by the limit that refused them.',
      labelNames: ['limit'],
      registers,
    });
  }

  /** The Prometheus text exposition: this server's metrics, then the process's. */
  async exposition(): Promise<string> {
    return (await this.registry.metrics()) + (await processMetricsRegistry().metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  requestAnswered(type: string, reply: ServerMessage): void {
    this.#requests.inc({ type, outcome: reply.type === 'error' ? reply.code : 'ok' });
  }

  replySent(latencyMs: number): void {
    this.#requestSeconds.observe(latencyMs / 1000);
  }

  commitDurable(operations: number): void {
    this.#commitBatchOperations.observe(operations);
  }

  syncEnded(durationMs: number, failed: boolean): void {
    if (failed) this.#commitSyncFailures.inc();
    else this.#commitSyncSeconds.observe(durationMs / 1000);
  }

  batchRetried(): void {
    this.#batchRetries.inc();
  }

  commitFeedReadFailed(): void {
    this.#commitFeedReadFailures.inc();
  }

  changesFrameSent(bytes: number): void {
    this.#fanOutFrames += 1;
    this.#fanOutBytes += bytes;
  }

  changesConflated(): void {
    this.#slowClientConflations += 1;
  }

  slowClientDisconnected(reason: SlowClientCloseReason): void {
    this.#slowClientsDisconnected.inc({ reason });
  }

  rateLimitRefused(limit: string): void {
    this.#rateLimitRefusals.inc({ limit });
  }

  #counterReadAtScrape(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }
}

let processRegistry: Registry | null = null;

/**
 * prom-client's default process and Node.js metrics, registered once per process: they describe the
 * process, not one server, and collecting them starts an event-loop monitor that is never stopped,
 * so one per server would pile up in a test process that starts many.
 */
export function processMetricsRegistry(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
