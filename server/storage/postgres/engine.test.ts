import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, succeed, type Operation } from '../../operations/outcome.ts';
import type { TallyContext } from '../../operations/context.ts';
import type { ChangedEntities } from '../../operations/changes.ts';
import type { RequestKey } from '../../requests/request-key.ts';
import { openTestSchema, type TestSchema } from '../../../test/support/postgres-schema.ts';
import { UnitOfWork, outcomeKey } from '../unit-of-work.ts';
import { ChangeRecorder } from '../../operations/changes.ts';
import { PostgresEngine } from './engine.ts';

const schemas: TestSchema[] = [];
const unitsOfWork: Array<UnitOfWork<TallyContext>> = [];

afterEach(async () => {
  await Promise.all(unitsOfWork.splice(0).map((unitOfWork) => unitOfWork.close()));
  await Promise.all(schemas.splice(0).map((schema) => schema.drop()));
});

async function harness(schema?: TestSchema) {
  const opened = schema ?? (await openTestSchema(4));
  if (schema === undefined) schemas.push(opened);
  const engine = await PostgresEngine.open(opened.sql);
  const commits: Array<{ seq: number; changes: ChangedEntities }> = [];
  const unitOfWork = new UnitOfWork<TallyContext>(engine, { onCommit: (seq, changes) => commits.push({ seq, changes }) });
  unitsOfWork.push(unitOfWork);
  return { schema: opened, engine, unitOfWork, commits };
}

const createShopper = (name: string): Operation<TallyContext, number> => async ({ store, now }) =>
  succeed((await store.createShopper(name, '1 Test Street', randomBytes(32), now().toISOString())).id);

async function seedLamp(unitOfWork: UnitOfWork<TallyContext>, stock: number): Promise<number> {
  const { outcome } = await unitOfWork.submit(async ({ store, commitSeq }) => {
    await store.insertProducts([{ name: 'Lamp', description: '', emoji: '', priceCents: 100, stock }], commitSeq);
    return succeed((await store.listProducts())[0]!.id);
  }).committed;
  if (!outcome.ok) throw new Error(outcome.failure.message);
  return outcome.value;
}

const takeOne = (productId: number): Operation<TallyContext, number> => async ({ store, changes, commitSeq }) => {
  const product = await store.takeStock(productId, 1, commitSeq);
  changes.product(product);
  return succeed(product.stock);
};

describe('PostgresEngine under the unit of work', () => {
  it('commits the operations submitted together in one transaction, with one seq, visible to another connection', async () => {
    const { schema, unitOfWork, commits } = await harness();
    const seqBefore = unitOfWork.lastCommittedSeq;
    const names = ['Ada', 'Brendan', 'Cleo'];
    const committed = await Promise.all(names.map((name) => unitOfWork.submit(createShopper(name)).committed));
    expect(committed.map(({ seq }) => seq)).toEqual(names.map(() => seqBefore + 1));
    expect(commits.map(({ seq }) => seq)).toEqual([seqBefore + 1]);
    const rows = await schema.sql<Array<{ name: string }>>`SELECT name FROM shoppers ORDER BY id`;
    expect(rows.map((row) => row.name)).toEqual(names);
    const [meta] = await schema.sql<Array<{ value: number }>>`SELECT value FROM meta WHERE key = 'commit_seq'`;
    expect(meta!.value).toBe(seqBefore + 1);
  });

  it('rolls back a refused or failing operation alone, keeping the rest of its batch', async () => {
    const { schema, unitOfWork, commits } = await harness();
    const lamp = await seedLamp(unitOfWork, 10);
    const refuseAfterWriting: Operation<TallyContext, never> = async (context) => {
      await takeOne(lamp)(context);
      return fail('out_of_stock', 'refused after writing');
    };
    const throwAfterWriting: Operation<TallyContext, never> = async (context) => {
      await takeOne(lamp)(context);
      throw new Error('a bug after writing');
    };
    const commitsBefore = commits.length;
    const committed = await Promise.all([
      unitOfWork.submit(takeOne(lamp)).committed,
      unitOfWork.submit(refuseAfterWriting).committed,
      unitOfWork.submit(throwAfterWriting).committed,
      unitOfWork.submit(takeOne(lamp)).committed,
    ]);
    expect(committed.map(({ outcome }) => (outcome.ok ? outcome.value : outcome.failure.code))).toEqual([9, 'out_of_stock', 'internal', 8]);
    const [row] = await schema.sql<Array<{ stock: number }>>`SELECT stock FROM products WHERE id = ${lamp}`;
    expect(row!.stock).toBe(8);
    const published = commits.slice(commitsBefore);
    expect(published).toHaveLength(1);
    expect(published[0]!.changes.products.map(({ stock }) => stock)).toEqual([8]);
  });

  it('answers a repeated key with its stored outcome and original seq, in the same commit as the effect', async () => {
    const { unitOfWork } = await harness();
    const lamp = await seedLamp(unitOfWork, 5);
    const key: RequestKey = { scope: 's1', requestId: 'take-1', bodyDigest: Buffer.alloc(16, 7), type: 'checkout' };
    const first = await unitOfWork.submit(takeOne(lamp), key).committed;
    const repeat = await unitOfWork.submit(takeOne(lamp), key).committed;
    expect(repeat).toEqual(first);
    const other = await unitOfWork.submit(takeOne(lamp), { ...key, bodyDigest: Buffer.alloc(16, 8) }).committed;
    expect(other.outcome.ok ? 'ok' : other.outcome.failure.code).toBe('idempotency_mismatch');
    const stock = await unitOfWork.read(async ({ store }) => (await store.findProduct(lamp))!.stock);
    expect(stock).toBe(4);
  });

  it('never commits a batch in which a statement sent without waiting failed: its callers get that error', async () => {
    const { schema, engine, unitOfWork } = await harness();
    const lamp = await seedLamp(unitOfWork, 5);
    const key: RequestKey = { scope: 's1', requestId: 'twice', bodyDigest: Buffer.alloc(16, 1), type: 'checkout' };
    const seq = await engine.begin();
    engine.savepoint();
    await takeOne(lamp)(engine.context(new ChangeRecorder(), seq));
    engine.release();
    // The second insert of one key breaks the primary key; nothing waits for either answer.
    await engine.storeRequestOutcome(key, seq, '{}');
    await engine.storeRequestOutcome(key, seq, '{}');
    await expect(engine.commit(seq)).rejects.toMatchObject({ code: '23505' });
    await engine.rollback();
    const [row] = await schema.sql<Array<{ stock: number }>>`SELECT stock FROM products WHERE id = ${lamp}`;
    expect(row!.stock).toBe(5);
    expect(await schema.sql`SELECT 1 FROM request_outcomes`).toHaveLength(0);
  });

  it('looks up the stored outcomes of several keys at once', async () => {
    const { engine, unitOfWork } = await harness();
    const lamp = await seedLamp(unitOfWork, 5);
    const keys: RequestKey[] = ['a', 'b'].map((requestId) => ({ scope: 's1', requestId, bodyDigest: Buffer.alloc(16, 2), type: 'checkout' }));
    await Promise.all(keys.map((key) => unitOfWork.submit(takeOne(lamp), key).committed));
    const found = await engine.findRequestOutcomes([...keys, { scope: 's1', requestId: 'never-sent' }, { scope: 's2', requestId: 'a' }]);
    expect([...found.keys()].sort()).toEqual(keys.map(outcomeKey).sort());
    expect(JSON.parse(found.get(outcomeKey(keys[0]!))!.outcomeJson).ok).toBe(true);
  });

  it('picks up where it left off: a new engine on the same database has its seq and its id', async () => {
    const first = await harness();
    await first.unitOfWork.submit(createShopper('Ada')).committed;
    const seq = first.unitOfWork.lastCommittedSeq;
    const second = await harness(first.schema);
    expect(second.unitOfWork.lastCommittedSeq).toBe(seq);
    expect(second.engine.databaseId()).toBe(first.engine.databaseId());
    expect(first.engine.databaseId()).toMatch(/^[0-9a-f]+$/);
  });
});
