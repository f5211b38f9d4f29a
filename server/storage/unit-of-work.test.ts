import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LockManager } from '../locks/lock-manager.ts';
import type { TallyContext } from '../operations/context.ts';
import { type SqliteDatabase, openDatabase } from './sqlite/database.ts';
import { OperationRunner } from '../operations/operation-runner.ts';
import { SqliteEngine } from './sqlite/engine.ts';
import { BatchAbortedError, StorageUnavailableError, type Submission, UnitOfWork } from './unit-of-work.ts';
import { type Committed, type Operation, fail, succeed } from '../operations/outcome.ts';
import { type ChangedEntities } from '../operations/changes.ts';
import { commitBatchAttemptsMax } from '../../shared/limits.ts';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A real database file in a temp dir, its unit of work, and every commit it published. */
class Harness {
  readonly database: SqliteDatabase;
  readonly unitOfWork: UnitOfWork<TallyContext>;
  readonly commits: Array<{ seq: number; changes: ChangedEntities }> = [];
  readonly operationErrors: unknown[] = [];

  constructor(
    readonly path: string,
    batchOperationsMax?: number,
    engineOf: (database: SqliteDatabase) => SqliteEngine = (database) => new SqliteEngine(database),
  ) {
    this.database = openDatabase(path);
    this.unitOfWork = new UnitOfWork<TallyContext>(engineOf(this.database), {
      onCommit: (seq, changes) => this.commits.push({ seq, changes }),
      onOperationError: (error) => this.operationErrors.push(error),
      ...(batchOperationsMax === undefined ? {} : { batchOperationsMax }),
    });
    openHarnesses.push(this);
  }

  submit<T>(operation: Operation<TallyContext, T>): Submission<T> {
    return this.unitOfWork.submit(operation);
  }

  /** What another process would see: committed rows only. */
  committedShopperNames(): string[] {
    const reader = new Database(this.path, { readonly: true });
    try {
      return reader.prepare<[], { name: string }>('SELECT name FROM shoppers ORDER BY id').all().map((row) => row.name);
    } finally {
      reader.close();
    }
  }

  committedStock(productId: number): number {
    const reader = new Database(this.path, { readonly: true });
    try {
      return reader.prepare<[number], { stock: number }>('SELECT stock FROM products WHERE id = ?').get(productId)!.stock;
    } finally {
      reader.close();
    }
  }

  async seedProducts(count: number, stock: number): Promise<void> {
    const products = Array.from({ length: count }, (_, index) => ({
      name: `Product ${index + 1}`,
      description: '',
      emoji: '',
      priceCents: 100,
      stock,
    }));
    const { outcome } = await this.submit(async ({ store, commitSeq }) => succeed(await store.insertProducts(products, commitSeq))).committed;
    expect(outcome.ok).toBe(true);
  }

  async close(): Promise<void> {
    await this.unitOfWork.close();
    this.database.close();
  }
}

const openHarnesses: Harness[] = [];
const temporaryDirectories: string[] = [];

function newDatabasePath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'tally-uow-'));
  temporaryDirectories.push(directory);
  return join(directory, 'tally.sqlite');
}

afterEach(() => {
  // No unitOfWork.close() here: a test that failed half-way must not hang the suite.
  for (const harness of openHarnesses.splice(0)) if (harness.database.open) harness.database.close();
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function createShopper(name: string): Operation<TallyContext, string> {
  return async ({ store, now }) => {
    await store.createShopper(name, '1 Test Street', randomBytes(32), now().toISOString());
    return succeed(name);
  };
}

function takeOne(productId: number): Operation<TallyContext, number> {
  return async ({ store, changes, commitSeq }) => {
    const product = await store.takeStock(productId, 1, commitSeq);
    changes.product(product);
    return succeed(product.stock);
  };
}

function withinMs<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${limitMs} ms`)), limitMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function operationsPerCommit(committed: ReadonlyArray<Committed<unknown>>): number[] {
  const counts = new Map<number, number>();
  for (const { seq } of committed) counts.set(seq, (counts.get(seq) ?? 0) + 1);
  return [...counts.entries()].sort(([left], [right]) => left - right).map(([, count]) => count);
}

describe('UnitOfWork: group commit', () => {
  it('commits every operation submitted in one turn together, with one seq', async () => {
    const harness = new Harness(newDatabasePath());
    const seqBefore = harness.unitOfWork.lastCommittedSeq;
    const names = ['Ada', 'Brendan', 'Cleo', 'Dov', 'Ezra'];
    const committed = await Promise.all(names.map((name) => harness.submit(createShopper(name)).committed));
    expect(committed.map(({ seq }) => seq)).toEqual(names.map(() => seqBefore + 1));
    expect(committed.every(({ outcome }) => outcome.ok)).toBe(true);
    expect(harness.commits.map(({ seq }) => seq)).toEqual([seqBefore + 1]);
    expect(harness.committedShopperNames()).toEqual(names);
  });

  it('runs operations in submission order, each seeing the effects of those before it', async () => {
    const harness = new Harness(newDatabasePath());
    await harness.seedProducts(1, 10);
    const stocks = await Promise.all([1, 2, 3].map(() => harness.submit(takeOne(1)).committed));
    expect(stocks.map(({ outcome }) => (outcome.ok ? outcome.value : null))).toEqual([9, 8, 7]);
  });

  it('releases a result only once its commit is durable', async () => {
    const harness = new Harness(newDatabasePath());
    const submission = harness.submit(createShopper('Ada'));
    let committedYet = false;
    void submission.committed.then(() => (committedYet = true));
    await submission.executed;
    expect(committedYet).toBe(false);
    expect(harness.committedShopperNames()).toEqual([]);
    await submission.committed;
    expect(harness.committedShopperNames()).toEqual(['Ada']);
  });

  it('grows seq by exactly one per batch and keeps it across a reopen', async () => {
    const path = newDatabasePath();
    const first = new Harness(path);
    expect(first.unitOfWork.lastCommittedSeq).toBe(0);
    const seqs: number[] = [];
    for (const name of ['Ada', 'Brendan', 'Cleo']) seqs.push((await first.submit(createShopper(name)).committed).seq);
    expect(seqs).toEqual([1, 2, 3]);
    expect(first.unitOfWork.lastCommittedSeq).toBe(3);
    await first.close();

    const reopened = new Harness(path);
    expect(reopened.unitOfWork.lastCommittedSeq).toBe(3);
    expect((await reopened.submit(createShopper('Dov')).committed).seq).toBe(4);
    expect(reopened.committedShopperNames()).toEqual(['Ada', 'Brendan', 'Cleo', 'Dov']);
  });

  it('folds 1000 operations submitted in one turn into exactly 2 commits when batchOperationsMax is 512', async () => {
    const harness = new Harness(newDatabasePath(), 512);
    const operationCount = 1_000;
    const committed = await Promise.all(
      Array.from({ length: operationCount }, (_, index) => harness.submit(createShopper(`shopper ${index}`)).committed),
    );
    expect(harness.commits).toHaveLength(2);
    expect(operationsPerCommit(committed)).toEqual([512, 488]);
    expect(harness.committedShopperNames()).toHaveLength(operationCount);
  });
});

/** The real engine, whose syncs wait until the test lets each one through (or fail it). */
class GatedEngine extends SqliteEngine {
  readonly syncs: Array<{ release: () => void; fail: (error: Error) => void }> = [];

  override durable(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.syncs.push({ release: () => void super.durable().then(resolve, reject), fail: reject });
    });
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn += 1) {
    if (turn > 1_000) throw new Error('condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('UnitOfWork: pipelined durability', () => {
  function gatedHarness() {
    let engine!: GatedEngine;
    const harness = new Harness(newDatabasePath(), undefined, (database) => (engine = new GatedEngine(database)));
    return { harness, engine };
  }

  it('answers a batch only once its sync ends, and gathers what arrives meanwhile into the next batch', async () => {
    const { harness, engine } = gatedHarness();
    const first = harness.submit(createShopper('Ada'));
    let firstAnswered = false;
    void first.committed.then(() => (firstAnswered = true));
    await until(() => engine.syncs.length === 1);
    // Committed (another connection sees it), neither answered nor published until the sync ends.
    expect(harness.committedShopperNames()).toEqual(['Ada']);
    expect([firstAnswered, harness.commits.length, harness.unitOfWork.lastCommittedSeq]).toEqual([false, 0, 0]);
    // The event loop is free meanwhile: what arrives waits for the sync, then runs as one batch.
    const second = harness.submit(createShopper('Ben'));
    const third = harness.submit(createShopper('Cy'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(harness.committedShopperNames()).toEqual(['Ada']);

    engine.syncs[0]!.release();
    await first.committed;
    expect(harness.commits.map(({ seq }) => seq)).toEqual([1]);
    await until(() => engine.syncs.length === 2);
    expect(harness.committedShopperNames()).toEqual(['Ada', 'Ben', 'Cy']);
    engine.syncs[1]!.release();
    expect(await second.committed).toMatchObject({ outcome: { ok: true, value: 'Ben' }, seq: 2 });
    expect(await third.committed).toMatchObject({ outcome: { ok: true, value: 'Cy' }, seq: 2 });
    expect(harness.commits.map(({ seq }) => seq)).toEqual([1, 2]);
    expect(harness.unitOfWork.lastCommittedSeq).toBe(2);
  });

  it('answers a read only once everything it saw is durable', async () => {
    const { harness, engine } = gatedHarness();
    void harness.submit(createShopper('Ada')).committed;
    await until(() => engine.syncs.length === 1);
    let answered = false;
    const read = harness.unitOfWork.read(({ commitSeq }) => commitSeq).then((seq) => {
      answered = true;
      return seq;
    });
    await until(() => harness.committedShopperNames().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    engine.syncs[0]!.release();
    expect(await read).toBe(1);
  });

  it('after a failed sync refuses the batches it covered, later reads and every later operation', async () => {
    const { harness, engine } = gatedHarness();
    const first = harness.submit(createShopper('Ada'));
    await until(() => engine.syncs.length === 1);
    const read = harness.unitOfWork.read(({ commitSeq }) => commitSeq);
    engine.syncs[0]!.fail(new Error('EIO: the disk failed'));
    await expect(first.committed).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(read).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(harness.submit(createShopper('Ben')).committed).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(harness.commits).toEqual([]);
    expect(harness.unitOfWork.lastCommittedSeq).toBe(0);
  });
});

describe('UnitOfWork: failures roll back alone', () => {
  it('rolls back only the writes of an operation that returns a failure', async () => {
    const harness = new Harness(newDatabasePath());
    const refused: Operation<TallyContext, string> = async (context) => {
      await createShopper('Brendan')(context);
      return fail('unknown_product', 'There is no product with id 404.');
    };
    const [ada, brendan, cleo] = await Promise.all([
      harness.submit(createShopper('Ada')).committed,
      harness.submit(refused).committed,
      harness.submit(createShopper('Cleo')).committed,
    ]);
    expect(ada!.outcome).toEqual({ ok: true, value: 'Ada' });
    expect(brendan!.outcome).toEqual({ ok: false, failure: { code: 'unknown_product', message: 'There is no product with id 404.' } });
    expect(cleo!.outcome).toEqual({ ok: true, value: 'Cleo' });
    expect(new Set([ada!.seq, brendan!.seq, cleo!.seq]).size).toBe(1);
    expect(harness.committedShopperNames()).toEqual(['Ada', 'Cleo']);
  });

  it('turns an operation that throws into an internal failure and rolls it back alone', async () => {
    const harness = new Harness(newDatabasePath());
    const bug = new Error('a bug in an operation');
    const throwing: Operation<TallyContext, string> = async (context) => {
      await createShopper('Brendan')(context);
      throw bug;
    };
    const [ada, brendan, cleo] = await Promise.all([
      harness.submit(createShopper('Ada')).committed,
      harness.submit(throwing).committed,
      harness.submit(createShopper('Cleo')).committed,
    ]);
    expect(ada!.outcome.ok).toBe(true);
    expect(brendan!.outcome.ok ? 'ok' : brendan!.outcome.failure.code).toBe('internal');
    expect(cleo!.outcome.ok).toBe(true);
    expect(harness.operationErrors).toEqual([bug]);
    expect(harness.committedShopperNames()).toEqual(['Ada', 'Cleo']);
  });

  it('publishes only the changes of operations that succeeded', async () => {
    const harness = new Harness(newDatabasePath());
    await harness.seedProducts(3, 10);
    const commitsBefore = harness.commits.length;
    const takeThenFail: Operation<TallyContext, never> = async (context) => {
      await takeOne(2)(context);
      return fail('out_of_stock', 'refused after writing');
    };
    const takeThenThrow: Operation<TallyContext, never> = async (context) => {
      await takeOne(3)(context);
      throw new Error('thrown after writing');
    };
    await Promise.all([
      harness.submit(takeOne(1)).committed,
      harness.submit(takeThenFail).committed,
      harness.submit(takeThenThrow).committed,
      harness.submit(takeOne(1)).committed,
    ]);
    const published = harness.commits.slice(commitsBefore);
    expect(published).toHaveLength(1);
    // Product 1 changed twice in the batch: published once, at its latest state.
    expect(published[0]!.changes.products.map(({ id, stock, version }) => ({ id, stock, version }))).toEqual([
      { id: 1, stock: 8, version: 3 },
    ]);
    expect([1, 2, 3].map((id) => harness.committedStock(id))).toEqual([8, 10, 10]);
  });

  it('answers an operation that aborted the whole SQLite transaction (as SQLITE_FULL does), rather than losing it', async () => {
    const harness = new Harness(newDatabasePath());
    const before = harness.submit(createShopper('Ada'));
    // Stands in for an I/O error after which SQLite has already rolled the transaction back.
    const aborting = harness.submit(async () => {
      harness.database.exec('ROLLBACK');
      throw new Error('database or disk is full');
    });
    const after = harness.submit(createShopper('Cleo'));
    await expect(before.committed).rejects.toThrow();
    // Its caller holds locks until `executed` and waits for `committed`: both must settle.
    await withinMs(aborting.executed, 2_000, 'executed of the aborting operation');
    await withinMs(
      aborting.committed.then(
        () => 'settled',
        () => 'settled',
      ),
      2_000,
      'committed of the aborting operation',
    );
    expect((await after.committed).outcome.ok).toBe(true);
    expect(harness.committedShopperNames()).toEqual(['Cleo']);
  });
});

describe('UnitOfWork: operations submitted while a batch runs', () => {
  it('lets them join the running batch, up to batchOperationsMax', async () => {
    const harness = new Harness(newDatabasePath(), 3);
    const chainLength = 7;
    const committed: Array<Promise<Committed<string>>> = [];
    // Each caller submits the next only once the previous has executed, as a lock holder would.
    const submitFrom = (index: number) => {
      const submission = harness.submit(createShopper(`shopper ${index}`));
      committed.push(submission.committed);
      if (index + 1 < chainLength) void submission.executed.then(() => submitFrom(index + 1));
    };
    submitFrom(0);
    await withinMs(
      (async () => {
        while (committed.length < chainLength) await committed.at(-1);
      })(),
      5_000,
      'the chain',
    );
    const results = await Promise.all(committed);
    expect(operationsPerCommit(results)).toEqual([3, 3, 1]);
    expect(harness.commits).toHaveLength(3);
  });

  it('lets callers that waited for a lock the previous operation released join its batch', async () => {
    const harness = new Harness(newDatabasePath());
    const runner = new OperationRunner(harness.unitOfWork, new LockManager());
    const operationCount = 6;
    const committed = await withinMs(
      Promise.all(Array.from({ length: operationCount }, (_, index) => runner.run(['product:1'], createShopper(`s${index}`)))),
      5_000,
      'six operations on one lock',
    );
    expect(committed.every(({ outcome }) => outcome.ok)).toBe(true);
    // The class comment promises these join the running batch: one fsync, not six.
    expect(harness.commits).toHaveLength(1);
  });
});

/**
 * The real engine, answering every transaction step on a later turn of the event loop, as an engine
 * in a worker thread or across the network does; it records the order the steps ran in.
 */
class DeferredEngine extends SqliteEngine {
  readonly steps: string[] = [];

  #later(name: string, step: () => void): Promise<void> {
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          step();
          this.steps.push(name);
          resolve();
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  override begin() {
    let seq = 0;
    return this.#later('begin', () => void (seq = super.begin() as number)).then(() => seq);
  }
  override savepoint() {
    return this.#later('savepoint', () => super.savepoint());
  }
  override release() {
    return this.#later('release', () => super.release());
  }
  override rollbackToSavepoint() {
    return this.#later('rollbackToSavepoint', () => super.rollbackToSavepoint());
  }
  override commit(seq: number) {
    return this.#later('commit', () => super.commit(seq));
  }
  override rollback() {
    return this.#later('rollback', () => super.rollback());
  }
}

describe('UnitOfWork: an engine whose steps are asynchronous', () => {
  it('waits for each step: one batch, refusals rolled back alone, the rest committed and published', async () => {
    let engine!: DeferredEngine;
    const harness = new Harness(newDatabasePath(), undefined, (database) => (engine = new DeferredEngine(database)));
    await harness.seedProducts(2, 5);
    engine.steps.length = 0;
    const commitsBefore = harness.commits.length;
    const refuseAfterWriting: Operation<TallyContext, never> = async (context) => {
      await takeOne(2)(context);
      return fail('out_of_stock', 'refused after writing');
    };
    const committed = await Promise.all([
      harness.submit(takeOne(1)).committed,
      harness.submit(refuseAfterWriting).committed,
      harness.submit(takeOne(1)).committed,
    ]);
    expect(committed.map(({ outcome }) => (outcome.ok ? outcome.value : outcome.failure.code))).toEqual([4, 'out_of_stock', 3]);
    expect(new Set(committed.map(({ seq }) => seq)).size).toBe(1);
    expect(engine.steps).toEqual(['begin', 'savepoint', 'release', 'savepoint', 'rollbackToSavepoint', 'savepoint', 'release', 'commit']);
    expect([1, 2].map((id) => harness.committedStock(id))).toEqual([3, 5]);
    expect(harness.commits.slice(commitsBefore)).toHaveLength(1);
  });
});

/** Records what each prepare was given, as an engine over the network reads ahead. */
class PreparingEngine extends DeferredEngine {
  readonly prepared: string[][][] = [];

  prepare(lockKeysPerOperation: ReadonlyArray<readonly string[]>): Promise<void> {
    this.prepared.push(lockKeysPerOperation.map((keys) => [...keys]));
    return new Promise((resolve) => setImmediate(resolve));
  }
}

describe('UnitOfWork: preparing a batch', () => {
  it('prepares, in one step, the operations queued and those still waiting for locks, which then join without another', async () => {
    let engine!: PreparingEngine;
    const harness = new Harness(newDatabasePath(), undefined, (database) => (engine = new PreparingEngine(database)));
    await harness.seedProducts(1, 5);
    engine.prepared.length = 0;
    const runner = new OperationRunner(harness.unitOfWork, new LockManager());
    const committed = await Promise.all([
      runner.run(['item:a'], takeOne(1)),
      // Waits for the first to give up item:a, while the batch runs.
      runner.run(['item:a', 'item:c'], takeOne(1)),
      runner.run(['item:b'], createShopper('Ada')),
    ]);
    expect(new Set(committed.map(({ seq }) => seq)).size).toBe(1);
    expect(engine.prepared).toEqual([[['item:a'], ['item:b'], ['item:a', 'item:c']]]);
    expect(committed.map(({ outcome }) => (outcome.ok ? outcome.value : outcome.failure.code))).toEqual([4, 3, 'Ada']);
  });
});

/** Aborts the first `failures` commits as PostgreSQL aborts a deadlock victim (SQLSTATE 40P01). */
class AbortingEngine extends SqliteEngine {
  failures: number;
  commitAttempts = 0;

  constructor(database: SqliteDatabase, failures: number) {
    super(database);
    this.failures = failures;
  }

  override commit(seq: number) {
    this.commitAttempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    }
    return super.commit(seq);
  }

  isRetryable(error: unknown): boolean {
    return (error as { code?: string }).code === '40P01';
  }
}

describe('UnitOfWork: a batch the database aborts', () => {
  it('runs it again, every operation once more in the same order, and commits it whole', async () => {
    let engine!: AbortingEngine;
    const harness = new Harness(newDatabasePath(), undefined, (database) => (engine = new AbortingEngine(database, 0)));
    await harness.seedProducts(1, 10);
    engine.failures = 2;
    const committed = await Promise.all([harness.submit(takeOne(1)).committed, harness.submit(takeOne(1)).committed]);
    expect(committed.map(({ outcome }) => (outcome.ok ? outcome.value : outcome.failure.code))).toEqual([9, 8]);
    expect(engine.commitAttempts).toBe(1 + 3);
    expect(harness.committedStock(1)).toBe(8);
  });

  it('gives up after commitBatchAttemptsMax attempts and tells every caller, changing nothing', async () => {
    let engine!: AbortingEngine;
    const harness = new Harness(newDatabasePath(), undefined, (database) => (engine = new AbortingEngine(database, 0)));
    await harness.seedProducts(1, 10);
    engine.failures = commitBatchAttemptsMax;
    await expect(harness.submit(takeOne(1)).committed).rejects.toThrow(BatchAbortedError);
    expect(engine.commitAttempts).toBe(1 + commitBatchAttemptsMax);
    expect(harness.committedStock(1)).toBe(10);
    engine.failures = 0;
    const { outcome } = await harness.submit(takeOne(1)).committed;
    expect(outcome).toEqual({ ok: true, value: 9 });
  });
});

describe('UnitOfWork: reads', () => {
  it('never observes a half-run batch', async () => {
    const harness = new Harness(newDatabasePath());
    await harness.seedProducts(1, 10);
    const seqBefore = harness.unitOfWork.lastCommittedSeq;
    const readStock = () =>
      harness.unitOfWork.read(async ({ store, commitSeq }) => ({ stock: (await store.findProduct(1))!.stock, commitSeq }));

    const first = harness.submit(takeOne(1));
    const second = harness.submit(takeOne(1));
    const beforeBatch = readStock();
    const duringBatch: Array<Promise<{ stock: number; commitSeq: number }>> = [];
    void first.executed.then(() => duringBatch.push(readStock()));
    const inside = harness.submit(async (context) => {
      duringBatch.push(readStock());
      return takeOne(1)(context);
    });
    await Promise.all([first.committed, second.committed, inside.committed]);

    expect(await beforeBatch).toEqual({ stock: 10, commitSeq: seqBefore });
    expect(duringBatch).toHaveLength(2);
    for (const read of await Promise.all(duringBatch)) expect(read).toEqual({ stock: 7, commitSeq: seqBefore + 1 });
  });
});

describe('UnitOfWork: close', () => {
  it('waits for the running batch, then refuses new operations with StorageUnavailableError', async () => {
    const harness = new Harness(newDatabasePath());
    const submissions = ['Ada', 'Brendan', 'Cleo'].map((name) => harness.submit(createShopper(name)));
    const settled: string[] = [];
    for (const submission of submissions) void submission.committed.then(({ outcome }) => outcome.ok && settled.push(outcome.value));
    await submissions.at(-1)!.executed;
    await withinMs(harness.unitOfWork.close(), 5_000, 'close');
    expect(settled).toEqual(['Ada', 'Brendan', 'Cleo']);
    expect(harness.committedShopperNames()).toEqual(['Ada', 'Brendan', 'Cleo']);

    const late = harness.submit(createShopper('Late'));
    await expect(late.committed).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(late.committed).rejects.toMatchObject({ code: 'server_busy' });
    expect(harness.committedShopperNames()).not.toContain('Late');
  });

  it('waits for operations queued but not yet started, across several batches', async () => {
    // A hang here would spin the event loop itself, which no in-process timeout can stop:
    // the scenario runs in a child process that is killed after a bounded time.
    const report = await runIsolated(`
      const harness = await openUnitOfWork(2);
      const committed = ['Ada', 'Brendan', 'Cleo', 'Dov', 'Ezra'].map((name) => harness.submit(name).committed);
      await harness.unitOfWork.close();
      const results = await Promise.all(committed);
      let refusal = 'accepted';
      await harness.submit('Late').committed.catch((error) => (refusal = error.constructor.name));
      return { seqs: results.map(({ seq }) => seq), commits: harness.commits, refusal };
    `);
    expect(report).toEqual({ seqs: [1, 1, 2, 2, 3], commits: 3, refusal: 'StorageUnavailableError' });
  });
});

/**
 * Runs `body` (an async function body that returns JSON) in a fresh Node process with a unit of
 * work on a temp database, and returns what it returned; fails if it does not finish in time.
 */
async function runIsolated(body: string, limitMs = 10_000): Promise<unknown> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-uow-child-'));
  temporaryDirectories.push(directory);
  const scriptPath = join(directory, 'scenario.mts');
  const moduleUrl = (path: string) => new URL(path, import.meta.url).href;
  writeFileSync(
    scriptPath,
    `
    import { randomBytes } from 'node:crypto';
    import { openDatabase } from ${JSON.stringify(moduleUrl('./sqlite/database.ts'))};
    import { SqliteEngine } from ${JSON.stringify(moduleUrl('./sqlite/engine.ts'))};
    import { UnitOfWork } from ${JSON.stringify(moduleUrl('./unit-of-work.ts'))};
    import { succeed } from ${JSON.stringify(moduleUrl('../operations/outcome.ts'))};
    async function openUnitOfWork(batchOperationsMax) {
      const database = openDatabase(${JSON.stringify(join(directory, 'tally.sqlite'))});
      const harness = { commits: 0 };
      harness.unitOfWork = new UnitOfWork(new SqliteEngine(database), { batchOperationsMax, onCommit: () => (harness.commits += 1) });
      harness.submit = (name) => harness.unitOfWork.submit(async ({ store }) => {
        await store.createShopper(name, '1 Test Street', randomBytes(32), new Date().toISOString());
        return succeed(name);
      });
      return harness;
    }
    const result = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
    `,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', scriptPath], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limitMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  if (timedOut) throw new Error(`the scenario did not finish within ${limitMs} ms (hung); stderr: ${stderr.slice(-500)}`);
  if (exitCode !== 0) throw new Error(`the scenario exited with ${exitCode}: ${stderr.slice(-2_000)}`);
  return JSON.parse(stdout) as unknown;
}
