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
import { writeHeld } from './write-behind.ts';
import { BankOperations } from '../../bank/bank-operations.ts';
import { planDeposit } from '../../bank/rules.ts';
import { LockManager } from '../../locks/lock-manager.ts';
import { OperationRunner } from '../../operations/operation-runner.ts';
import type { UserView } from '../../../shared/protocol.ts';

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

describe('PostgresEngine holding a batch\'s money movements until COMMIT', () => {
  async function bankHarness() {
    const opened = await harness();
    const bank = new BankOperations(new OperationRunner(opened.unitOfWork, new LockManager()));
    const [row] = await opened.schema.sql<Array<{ id: number }>>`
      INSERT INTO users (username, password_hash, password_salt, role, created_at)
      VALUES ('ada', ${randomBytes(32)}, ${randomBytes(16)}, 'customer', now()) RETURNING id`;
    const user: UserView = { id: row!.id, username: 'ada', role: 'customer' };
    let keys = 0;
    const key = (type: string): RequestKey => ({ scope: `u${user.id}`, requestId: `k${(keys += 1)}`, bodyDigest: Buffer.alloc(16, keys), type });
    const open = async (cents: number) => {
      const { outcome } = await bank.openAccount(user, 'checking', cents, key('bank.openAccount'));
      if (!outcome.ok) throw new Error(outcome.failure.message);
      return outcome.value.accounts.at(-1)!.number;
    };
    const balances = async () =>
      Object.fromEntries(
        (await opened.schema.sql<Array<{ number: string; balance_cents: number }>>`SELECT number, balance_cents FROM accounts WHERE kind <> 'system'`).map((each) => [each.number, each.balance_cents]),
      );
    const findings = () => opened.unitOfWork.read(({ bank: repository }) => repository.findings());
    return { ...opened, bank, user, key, open, balances, findings };
  }

  it('writes a batch of transfers, refusals among them, as the database would have: balances, ledger ids, entries and stored outcomes', async () => {
    const { schema, unitOfWork, bank, user, key, open, balances, findings } = await bankHarness();
    const a = await open(1_000);
    const b = await open(1);
    const keys = Array.from({ length: 6 }, () => key('bank.transfer'));
    const amounts = [100, 200, 5_000, 30, 50, 40];
    const answers = await Promise.all(keys.map((each, index) => bank.transfer(user, index % 2 === 0 ? a : b, index % 2 === 0 ? b : a, amounts[index]!, each)));
    // In submission order, each seeing the ones before: b holds 101 when asked for 200, a 900 when asked for 5000.
    expect(answers.map(({ outcome }) => (outcome.ok ? 'ok' : outcome.failure.code))).toEqual(['ok', 'insufficient_funds', 'insufficient_funds', 'ok', 'ok', 'ok']);
    const expected = { [a]: 1_000, [b]: 1 };
    for (const { outcome } of answers) {
      if (!outcome.ok) continue;
      for (const account of outcome.value.accounts) expected[account.number] = account.balanceCents;
    }
    expect(await balances()).toEqual(expected);
    const ids = answers.flatMap(({ outcome }) => (outcome.ok ? [outcome.value.transaction.id] : []));
    const rows = await schema.sql<Array<{ id: number; request_id: string; entries: number }>>`
      SELECT t.id, t.request_id, (SELECT COUNT(*) FROM ledger_entries e WHERE e.transaction_id = t.id)::int AS entries
      FROM ledger_transactions t WHERE t.kind = 'transfer' ORDER BY t.id`;
    expect(rows.map(({ id }) => id)).toEqual([...ids].sort((x, y) => x - y));
    expect(rows.every(({ entries }) => entries === 2)).toBe(true);
    expect(await findings()).toEqual({ unbalancedTransactions: [], transactionsWithTooFewEntries: [], balancesNotMatchingEntries: [], negativeBalances: [] });
    // Each key's outcome was stored in that commit: a repeat gets it back, the same ledger id included.
    const repeat = await bank.transfer(user, a, b, amounts[0]!, keys[0]!);
    expect(repeat).toEqual(answers[0]);
    expect(unitOfWork.lastCommittedSeq).toBeGreaterThan(0);
  });

  it('undoes an operation that failed after both held writes and a statement of its own, keeping the rest of its batch', async () => {
    const { schema, unitOfWork, user, open, balances, findings } = await bankHarness();
    const a = await open(1_000);
    const depositThen = (cents: number, then: 'fail' | 'keep'): Operation<TallyContext, number> => async (context) => {
      const { bank, store, now, commitSeq } = context;
      const planned = planDeposit(user.id, { number: a, account: await bank.findAccount(a) }, await bank.cashAccount(), cents);
      if (!planned.ok) throw new Error(planned.failure.message);
      const recorded = await bank.record(planned.value, user, null, now().toISOString(), commitSeq);
      // A statement of its own: what the batch held before this operation goes first, then its savepoint.
      await store.createShopper(`after ${cents}`, '1 Test Street', randomBytes(32), now().toISOString());
      if (then === 'fail') throw new Error('a bug after a statement of its own');
      return succeed(recorded.accounts[0]!.balanceCents);
    };
    const plainDeposit = (cents: number): Operation<TallyContext, number> => async ({ bank, now, commitSeq }) => {
      const planned = planDeposit(user.id, { number: a, account: await bank.findAccount(a) }, await bank.cashAccount(), cents);
      if (!planned.ok) throw new Error(planned.failure.message);
      return succeed((await bank.record(planned.value, user, null, now().toISOString(), commitSeq)).accounts[0]!.balanceCents);
    };
    const answers = await Promise.all([
      unitOfWork.submit(plainDeposit(1)).committed,
      unitOfWork.submit(depositThen(20, 'fail')).committed,
      unitOfWork.submit(plainDeposit(300)).committed,
      unitOfWork.submit(depositThen(4_000, 'keep')).committed,
      unitOfWork.submit(plainDeposit(50_000)).committed,
    ]);
    expect(new Set(answers.map(({ seq }) => seq)).size).toBe(1);
    expect(answers.map(({ outcome }) => (outcome.ok ? outcome.value : outcome.failure.code))).toEqual([1_001, 'internal', 1_301, 5_301, 55_301]);
    expect(await balances()).toEqual({ [a]: 55_301 });
    const shoppers = await schema.sql<Array<{ name: string }>>`SELECT name FROM shoppers ORDER BY id`;
    expect(shoppers.map(({ name }) => name)).toEqual(['after 4000']);
    const deposits = await schema.sql<Array<{ amount_cents: number }>>`SELECT amount_cents FROM ledger_transactions WHERE kind = 'deposit' ORDER BY id`;
    expect(deposits.map(({ amount_cents: cents }) => cents)).toEqual([1, 300, 4_000, 50_000]);
    expect(await findings()).toEqual({ unbalancedTransactions: [], transactionsWithTooFewEntries: [], balancesNotMatchingEntries: [], negativeBalances: [] });
  });

  it('refuses to write held balances whose row moved since the batch read it, aborting the transaction', async () => {
    const { schema, open } = await bankHarness();
    const a = await open(1_000);
    const [row] = await schema.sql<Array<{ id: number; version: number }>>`SELECT id, version FROM accounts WHERE number = ${a}`;
    const state = { id: row!.id, number: a, kind: 'checking' as const, ownerUserId: null, ownerUsername: 'ada', balanceCents: 5, version: row!.version + 2, openedAt: '' };
    const attempt = schema.sql.begin((transaction) => writeHeld(transaction, { accounts: [{ state, storedVersion: row!.version + 1 }], movements: [], outcomes: [] }, 99));
    await expect(attempt).rejects.toThrow(/had moved in the database: 0 of 1 accounts updated/);
    const [after] = await schema.sql<Array<{ balance_cents: number }>>`SELECT balance_cents FROM accounts WHERE number = ${a}`;
    expect(after!.balance_cents).toBe(1_000);
  });
});
