import { readinessProbeIntervalMs, readinessProbeTimeoutMs } from '../../shared/limits.ts';
import type { OperationRunner } from '../operations/operation-runner.ts';
import { StorageUnavailableError } from '../storage/unit-of-work.ts';
import { succeed } from '../operations/outcome.ts';

export interface CheckResult {
  ok: boolean;
  /** Why the check failed, in words. */
  error?: string;
}

export interface DatabaseCheckResult extends CheckResult {
  /** When the write probe whose result this is finished (ISO 8601). */
  probedAt: string;
  /** The commit that held the probe's write, when it was durable. */
  commitSeq?: number;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  /** The names of the checks that failed; empty when ready. */
  failing: string[];
  checks: { database: DatabaseCheckResult; gateway: CheckResult };
}

export interface ReadinessProbeOptions {
  /** Writes one row through the unit of work and resolves with its commit's seq once durable. */
  writeProbe: () => Promise<number>;
  /** False once the gateway drains for shutdown. */
  acceptingConnections: () => boolean;
  /** Told why a probe failed; the report itself names only the check, not the internals. */
  onProbeFailed: (error: unknown) => void;
  intervalMs?: number;
  timeoutMs?: number;
  /** Milliseconds, monotonic; tests pass their own clock. */
  now?: () => number;
}

/**
 * Whether the server can take requests now: the database can be written and made durable, and the
 * gateway accepts connections. The database check is a real commit, so it runs at most once per
 * interval (concurrent asks share it) and its result is served in between; the gateway check is a
 * flag, read every time.
 */
export class ReadinessProbe {
  readonly #options: Required<ReadinessProbeOptions>;
  #lastDatabaseCheck: { result: DatabaseCheckResult; finishedAt: number } | null = null;
  #databaseCheckRunning: Promise<DatabaseCheckResult> | null = null;
  /** A write that timed out may still be waiting for its sync: the next probe waits for it rather than add another. */
  #writeOutstanding: Promise<number> | null = null;

  constructor(options: ReadinessProbeOptions) {
    this.#options = { intervalMs: readinessProbeIntervalMs, timeoutMs: readinessProbeTimeoutMs, now: () => performance.now(), ...options };
    if (!(this.#options.intervalMs > 0)) throw new RangeError('intervalMs must be positive');
    if (!(this.#options.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
  }

  async check(): Promise<ReadinessReport> {
    const database = await this.#databaseCheck();
    const gateway: CheckResult = this.#options.acceptingConnections()
      ? { ok: true }
      : { ok: false, error: 'the gateway is draining for shutdown and accepts no new connections' };
    const failing = Object.entries({ database, gateway })
      .filter(([, result]) => !result.ok)
      .map(([name]) => name);
    return { status: failing.length === 0 ? 'ready' : 'not_ready', failing, checks: { database, gateway } };
  }

  #databaseCheck(): Promise<DatabaseCheckResult> {
    const last = this.#lastDatabaseCheck;
    if (last !== null && this.#options.now() - last.finishedAt < this.#options.intervalMs) return Promise.resolve(last.result);
    this.#databaseCheckRunning ??= this.#probeDatabase().finally(() => (this.#databaseCheckRunning = null));
    return this.#databaseCheckRunning;
  }

  async #probeDatabase(): Promise<DatabaseCheckResult> {
    this.#writeOutstanding ??= this.#options.writeProbe().finally(() => (this.#writeOutstanding = null));
    const result = await withTimeout(this.#writeOutstanding, this.#options.timeoutMs).then(
      (commitSeq): DatabaseCheckResult => ({ ok: true, probedAt: new Date().toISOString(), commitSeq }),
      (error: unknown): DatabaseCheckResult => {
        this.#options.onProbeFailed(error);
        return { ok: false, probedAt: new Date().toISOString(), error: describe(error) };
      },
    );
    this.#lastDatabaseCheck = { result, finishedAt: this.#options.now() };
    return result;
  }
}

class ProbeTimeoutError extends Error {}

/** The probe itself goes on (a commit cannot be called back); only the wait for it ends. */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(`the write probe was not durable within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}

/** Only what an operator needs from outside; the log has the cause. */
function describe(error: unknown): string {
  if (error instanceof ProbeTimeoutError) return error.message;
  if (error instanceof StorageUnavailableError) return `the write probe was refused: ${error.message}`;
  return 'the write probe failed; the server log has the cause';
}

/**
 * The database check's write: one row rewritten through the operation runner and the unit of work,
 * the path every request takes (its own savepoint in a batch, COMMIT, durable()), so it fails when
 * they would. Resolves with the seq of the durable commit that holds it.
 */
export async function writeHealthProbe(runner: OperationRunner): Promise<number> {
  const { outcome, seq } = await runner.run([], async ({ healthProbe, now, commitSeq }) => {
    await healthProbe.record(now().toISOString(), commitSeq);
    return succeed(commitSeq);
  });
  if (!outcome.ok) throw new Error(outcome.failure.message);
  return seq;
}
