import { operationRateWindowMs } from '../../shared/limits.ts';

/** Committed bank operations per second over a sliding window, kept in one-second buckets. */
export class OperationRate {
  readonly #bucketCount = Math.ceil(operationRateWindowMs / 1000);
  readonly #buckets: Array<{ second: number; operations: number }> = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  record(operations: number): void {
    if (operations === 0) return;
    const second = Math.floor(this.#now() / 1000);
    const last = this.#buckets.at(-1);
    if (last !== undefined && last.second === second) last.operations += operations;
    else this.#buckets.push({ second, operations });
    this.#forgetOld(second);
  }

  perSecond(): number {
    const second = Math.floor(this.#now() / 1000);
    this.#forgetOld(second);
    const operations = this.#buckets.reduce((sum, bucket) => sum + bucket.operations, 0);
    return Math.round((operations / this.#bucketCount) * 10) / 10;
  }

  #forgetOld(currentSecond: number): void {
    while (this.#buckets.length > 0 && this.#buckets[0]!.second <= currentSecond - this.#bucketCount) this.#buckets.shift();
  }
}
