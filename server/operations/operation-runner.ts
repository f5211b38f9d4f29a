import type { LockManager } from '../locks/lock-manager.ts';
import type { RequestKey } from '../requests/request-key.ts';
import type { TallyContext } from './context.ts';
import { type UnitOfWork, idempotencyMismatch } from '../storage/unit-of-work.ts';
import { type Committed, type Operation } from './outcome.ts';

export interface OperationRunnerOptions {
  /**
   * Off only in the torture harness's deliberately broken server, to prove the checker catches
   * what idempotency prevents: keys are then neither looked up nor stored.
   */
  idempotency?: boolean;
}

interface InFlight {
  bodyDigest: Buffer;
  committed: Promise<Committed<unknown>>;
}

/**
 * The one path from an operation to a durable result: take its locks (sorted, by the lock
 * manager), run it in the unit of work, give the locks up once it has executed, and resolve
 * once its batch is durable. Whoever takes a lock next runs later in the same transaction or a
 * later one, so it always sees the effects; nobody else sees them before the commit.
 *
 * A keyed request runs at most once: a repeat that arrives while the first is still on its way
 * waits for it and gets the same answer; one that arrives later is answered by the unit of work
 * from the stored outcome.
 */
export class OperationRunner {
  readonly unitOfWork: UnitOfWork<TallyContext>;
  readonly #locks: LockManager;
  readonly #idempotency: boolean;
  readonly #inFlight = new Map<string, InFlight>();

  constructor(unitOfWork: UnitOfWork<TallyContext>, locks: LockManager, options: OperationRunnerOptions = {}) {
    this.unitOfWork = unitOfWork;
    this.#locks = locks;
    this.#idempotency = options.idempotency ?? true;
  }

  run<T>(lockKeys: readonly string[], operation: Operation<TallyContext, T>, requestKey?: RequestKey): Promise<Committed<T>> {
    if (requestKey === undefined || !this.#idempotency) return this.#runLocked(lockKeys, operation, undefined);
    const inFlightKey = `${requestKey.scope} ${requestKey.requestId}`;
    const running = this.#inFlight.get(inFlightKey);
    if (running !== undefined) return this.#awaitFirst(running, requestKey) as Promise<Committed<T>>;
    const committed = this.#runLocked(lockKeys, operation, requestKey);
    this.#inFlight.set(inFlightKey, { bodyDigest: requestKey.bodyDigest, committed });
    const forget = () => this.#inFlight.delete(inFlightKey);
    committed.then(forget, forget);
    return committed;
  }

  /** Reads committed state only (never half a batch). */
  read<T>(reader: (context: TallyContext) => T | Promise<T>): Promise<T> {
    return this.unitOfWork.read(reader);
  }

  get lastCommittedSeq(): number {
    return this.unitOfWork.lastCommittedSeq;
  }

  async #runLocked<T>(lockKeys: readonly string[], operation: Operation<TallyContext, T>, requestKey: RequestKey | undefined): Promise<Committed<T>> {
    let committed!: Promise<Committed<T>>;
    const intent = this.unitOfWork.expect(lockKeys, requestKey);
    try {
      await this.#locks.withLocks(lockKeys, async () => {
        const submission = this.unitOfWork.submit(operation, requestKey, intent);
        committed = submission.committed;
        await submission.executed;
      });
    } finally {
      this.unitOfWork.abandon(intent);
    }
    return committed;
  }

  async #awaitFirst(running: InFlight, requestKey: RequestKey): Promise<Committed<unknown>> {
    const committed = await running.committed;
    if (running.bodyDigest.equals(requestKey.bodyDigest)) return committed;
    return { outcome: idempotencyMismatch(requestKey.requestId), seq: committed.seq };
  }
}
