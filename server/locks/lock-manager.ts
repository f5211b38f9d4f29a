import { Mutex } from 'async-mutex';

/**
 * Named locks, taken several at a time in one global order (sorted keys), as the bank seed
 * does with account ids: two operations can never each hold a lock the other waits for,
 * so no mix of operations can deadlock.
 *
 * A mutex exists only while someone holds or waits for it, so memory follows the number of
 * keys in use, not the number of keys ever used.
 */
export class LockManager {
  readonly #entries = new Map<string, { mutex: Mutex; users: number }>();

  /** Runs `critical` while holding every key; releases them all however it ends. */
  async withLocks<T>(keys: readonly string[], critical: () => Promise<T>): Promise<T> {
    const ordered = sortedUniqueKeys(keys);
    const releases: Array<() => void> = [];
    try {
      for (const key of ordered) releases.push(await this.#acquire(key));
      return await critical();
    } finally {
      for (let index = releases.length - 1; index >= 0; index -= 1) releases[index]!();
    }
  }

  /** Keys currently held or awaited; for tests and diagnostics. */
  get activeKeyCount(): number {
    return this.#entries.size;
  }

  async #acquire(key: string): Promise<() => void> {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#entries.set(key, entry);
    }
    entry.users += 1;
    const owned = entry;
    let releaseMutex: () => void;
    try {
      releaseMutex = await owned.mutex.acquire();
    } catch (error) {
      this.#forget(key, owned);
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      releaseMutex();
      this.#forget(key, owned);
    };
  }

  #forget(key: string, entry: { mutex: Mutex; users: number }): void {
    entry.users -= 1;
    if (entry.users === 0) this.#entries.delete(key);
  }
}

/** The one global lock order. Exported so tests can state it. */
export function sortedUniqueKeys(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort(compareLockKeys);
}

/**
 * Keys compare by their text, except that runs of digits compare as numbers, so
 * `account:9` comes before `account:10` (ascending account order, as the seed locks them).
 */
export function compareLockKeys(left: string, right: string): number {
  const collated = lockKeyCollator.compare(left, right);
  if (collated !== 0) return collated;
  // Distinct keys the collator calls equal (`a01`, `a1`) still need one fixed order.
  return left < right ? -1 : left > right ? 1 : 0;
}

const lockKeyCollator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
