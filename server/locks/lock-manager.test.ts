import { describe, expect, it } from 'vitest';
import { LockManager, compareLockKeys, sortedUniqueKeys } from './lock-manager.ts';
import { seededRandom } from '../../shared/seeded-random.ts';

/** Fails instead of hanging when `promise` (a suspected deadlock) does not settle in time. */
function withinMs<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${limitMs} ms (deadlock?)`)), limitMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

describe('lock order: sorted, deduplicated, numeric-aware, total', () => {
  it('removes duplicates and sorts', () => {
    expect(sortedUniqueKeys(['shopper:2', 'product:7', 'shopper:2', 'product:7', 'product:3'])).toEqual([
      'product:3',
      'product:7',
      'shopper:2',
    ]);
  });

  it('orders runs of digits as numbers: account:9 < account:10 < account:100', () => {
    expect(sortedUniqueKeys(['account:100', 'account:10', 'account:9'])).toEqual(['account:9', 'account:10', 'account:100']);
    expect(compareLockKeys('account:9', 'account:10')).toBeLessThan(0);
    expect(compareLockKeys('account:10', 'account:9')).toBeGreaterThan(0);
  });

  it('gives distinct keys the collator calls equal (a01, a1) one fixed order', () => {
    expect(compareLockKeys('a01', 'a1')).not.toBe(0);
    expect(Math.sign(compareLockKeys('a01', 'a1'))).toBe(-Math.sign(compareLockKeys('a1', 'a01')));
    expect(sortedUniqueKeys(['a1', 'a01'])).toEqual(sortedUniqueKeys(['a01', 'a1']));
  });

  it('sorts a set of look-alike keys the same way whatever the input order', () => {
    const composedE = 'caf\u00e9';
    const decomposedE = 'cafe\u0301';
    const keys = ['a1', 'a01', 'a001', 'A1', 'a1b', 'a01b', 'account:9', 'account:09', 'account:10', composedE, decomposedE];
    const expected = sortedUniqueKeys(keys);
    expect(expected).toHaveLength(keys.length);
    const random = seededRandom(7);
    for (let attempt = 0; attempt < 200; attempt += 1) {
      expect(sortedUniqueKeys(shuffled(keys, random))).toEqual(expected);
    }
  });

  it('compares only identical keys as equal', () => {
    expect(compareLockKeys('product:1', 'product:1')).toBe(0);
    expect(compareLockKeys('A1', 'a1')).not.toBe(0);
  });
});

describe('LockManager', () => {
  it('never lets two critical sections on the same key overlap', async () => {
    const locks = new LockManager();
    const events: string[] = [];
    const section = (name: string) =>
      locks.withLocks(['product:1'], async () => {
        events.push(`enter ${name}`);
        await nextMacrotask();
        await nextMacrotask();
        events.push(`exit ${name}`);
      });
    await withinMs(Promise.all([section('A'), section('B'), section('C')]), 5_000, 'three sections on one key');
    expect(events).toEqual(['enter A', 'exit A', 'enter B', 'exit B', 'enter C', 'exit C']);
  });

  it('runs sections on different keys at the same time', async () => {
    const locks = new LockManager();
    let releaseFirst!: () => void;
    const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = locks.withLocks(['product:1'], async () => {
      await firstMayFinish;
      return 'first';
    });
    // The second can only release the first if it runs while the first still holds its key.
    const second = locks.withLocks(['product:2'], async () => {
      releaseFirst();
      return 'second';
    });
    await expect(withinMs(Promise.all([first, second]), 5_000, 'sections on different keys')).resolves.toEqual([
      'first',
      'second',
    ]);
  });

  it('takes opposite-order key lists without deadlock', async () => {
    const locks = new LockManager();
    const holdBoth = (keys: string[]) =>
      locks.withLocks(keys, async () => {
        await nextMacrotask();
        return keys.join(',');
      });
    const runs = Array.from({ length: 20 }, (_, index) => holdBoth(index % 2 === 0 ? ['x', 'y'] : ['y', 'x']));
    await expect(withinMs(Promise.all(runs), 5_000, 'opposite-order lock lists')).resolves.toHaveLength(20);
    expect(locks.activeKeyCount).toBe(0);
  });

  it('keeps per-key counters exact under 200 concurrent tasks locking random key subsets', async () => {
    const seed = 20_240_611;
    const random = seededRandom(seed);
    const keyPool = Array.from({ length: 12 }, (_, index) => `account:${index + 1}`);
    const taskCount = 200;
    const keysPerTask = 5;
    const locks = new LockManager();
    const counters = new Map<string, number>(keyPool.map((key) => [key, 0]));
    const expected = new Map<string, number>(keyPool.map((key) => [key, 0]));

    const tasks = Array.from({ length: taskCount }, (_, taskIndex) => {
      const keys = shuffled(keyPool, random).slice(0, keysPerTask);
      for (const key of keys) expected.set(key, expected.get(key)! + 1);
      const yieldMacrotask = taskIndex % 2 === 0;
      return locks.withLocks(keys, async () => {
        for (const key of keys) {
          const before = counters.get(key)!;
          // Read, give every other task a chance to run, then write: a lost update if locks leak.
          if (yieldMacrotask) await nextMacrotask();
          else await Promise.resolve();
          counters.set(key, before + 1);
        }
      });
    });

    await withinMs(Promise.all(tasks), 15_000, `${taskCount} tasks (seed ${seed})`);
    expect(Object.fromEntries(counters)).toEqual(Object.fromEntries(expected));
    expect([...expected.values()].reduce((sum, count) => sum + count, 0)).toBe(taskCount * keysPerTask);
    expect(locks.activeKeyCount).toBe(0);
  });

  it('releases every key when the critical section throws', async () => {
    const locks = new LockManager();
    const failure = new Error('operation failed');
    await expect(
      locks.withLocks(['product:1', 'shopper:1'], async () => {
        await nextMacrotask();
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(locks.activeKeyCount).toBe(0);
    const after = locks.withLocks(['shopper:1', 'product:1'], async () => 'taken again');
    await expect(withinMs(after, 2_000, 'relocking after a throw')).resolves.toBe('taken again');
  });

  it('counts held and awaited keys, and returns to 0 afterwards', async () => {
    const locks = new LockManager();
    expect(locks.activeKeyCount).toBe(0);
    let releaseHolder!: () => void;
    const holderMayFinish = new Promise<void>((resolve) => (releaseHolder = resolve));
    let holderEntered!: () => void;
    const holderInside = new Promise<void>((resolve) => (holderEntered = resolve));
    const holder = locks.withLocks(['a', 'b', 'a'], async () => {
      holderEntered();
      await holderMayFinish;
    });
    await holderInside;
    expect(locks.activeKeyCount).toBe(2);

    const waiter = locks.withLocks(['b', 'c'], async () => locks.activeKeyCount);
    await nextMacrotask();
    expect(locks.activeKeyCount).toBe(2);

    releaseHolder();
    await withinMs(holder, 2_000, 'holder');
    // Inside the waiter's section only its own two keys are in use.
    await expect(withinMs(waiter, 2_000, 'waiter')).resolves.toBe(2);
    expect(locks.activeKeyCount).toBe(0);
  });
});
