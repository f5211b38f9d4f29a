/**
 * Coalesces work that arrives many times a frame (network frames, replies) into one store write per
 * animation frame (or per longer interval), so React renders once however many messages came in between.
 */

/** A frame that does not come within this long (a hidden tab, where browsers stop frames; Node) is not waited for. */
export const frameBatchFallbackMs = 100;

/** Past this many items the batch is flushed at once rather than held for the frame: memory stays bounded. */
export const frameBatchItemsMax = 2_000;

export interface FrameScheduler {
  /** Runs `callback` before the next frame is painted; answers a handle for `cancel`. */
  request: (callback: () => void) => number;
  cancel: (handle: number) => void;
}

/** requestAnimationFrame where there is one; else a timer of one 60 Hz frame (Node, tests). */
export function browserFrameScheduler(): FrameScheduler {
  if (typeof requestAnimationFrame === 'function') {
    return { request: (callback) => requestAnimationFrame(callback), cancel: (handle) => cancelAnimationFrame(handle) };
  }
  return intervalScheduler(16);
}

/** A tick every `intervalMs` instead of every frame: for figures people read, which need not move 60 times a second. */
export function intervalScheduler(intervalMs: number): FrameScheduler {
  return {
    request: (callback) => setTimeout(callback, intervalMs) as unknown as number,
    cancel: (handle) => clearTimeout(handle),
  };
}

/**
 * Items pushed are handed to `flush` together, in the order pushed, at the next animation frame (or
 * after frameBatchFallbackMs if no frame comes first). `flushNow()` hands them over at once: call it
 * before any write that must land after them, so ordering is kept.
 */
export class FrameBatch<Item> {
  readonly #flush: (items: Item[]) => void;
  readonly #scheduler: FrameScheduler;
  #items: Item[] = [];
  #frame: number | null = null;
  #fallback: ReturnType<typeof setTimeout> | null = null;

  constructor(flush: (items: Item[]) => void, scheduler: FrameScheduler = browserFrameScheduler()) {
    this.#flush = flush;
    this.#scheduler = scheduler;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: Item): void {
    this.#items.push(item);
    if (this.#items.length >= frameBatchItemsMax) return this.flushNow();
    if (this.#frame !== null) return;
    this.#frame = this.#scheduler.request(() => this.flushNow());
    this.#fallback = setTimeout(() => this.flushNow(), frameBatchFallbackMs);
  }

  flushNow(): void {
    this.#cancelTimers();
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    this.#flush(items);
  }

  /** Drops what is held, unflushed. */
  dispose(): void {
    this.#cancelTimers();
    this.#items = [];
  }

  #cancelTimers(): void {
    if (this.#frame !== null) this.#scheduler.cancel(this.#frame);
    if (this.#fallback !== null) clearTimeout(this.#fallback);
    this.#frame = null;
    this.#fallback = null;
  }
}
