import type { LockManager } from '../locks/lock-manager.ts';
import type { TallyContext } from './context.ts';
import type { Committed, Operation, UnitOfWork } from './unit-of-work.ts';

/**
 * The one path from an operation to a durable result: take its locks (sorted, by the lock
 * manager), run it in the unit of work, give the locks up once it has executed, and resolve
 * once its batch is durable. Whoever takes a lock next runs later in the same transaction or a
 * later one, so it always sees the effects; nobody else sees them before the commit.
 */
export class OperationRunner {
  readonly unitOfWork: UnitOfWork<TallyContext>;
  readonly #locks: LockManager;

  constructor(unitOfWork: UnitOfWork<TallyContext>, locks: LockManager) {
    this.unitOfWork = unitOfWork;
    this.#locks = locks;
  }

  async run<T>(lockKeys: readonly string[], operation: Operation<TallyContext, T>): Promise<Committed<T>> {
    let committed!: Promise<Committed<T>>;
    await this.#locks.withLocks(lockKeys, async () => {
      const submission = this.unitOfWork.submit(operation);
      committed = submission.committed;
      await submission.executed;
    });
    return committed;
  }

  /** Reads committed state only (never half a batch). */
  read<T>(reader: (context: TallyContext) => T | Promise<T>): Promise<T> {
    return this.unitOfWork.read(reader);
  }

  get lastCommittedSeq(): number {
    return this.unitOfWork.lastCommittedSeq;
  }
}
