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

export interface FrameBatchOptions {
  /**
   * At least this long between two flushes (0: every frame). The first item after a quiet spell
   * still goes out at the next frame; a steady stream is applied this often, so a tab that is
   * sent a hundred changes a second re-renders, lays out and paints a few times a second instead
   * of every frame.
   */
  flushSpacingMs?: number;
  /** What tells the time for flushSpacingMs. */
  now?: () => number;
}

/**
 * Items pushed are handed to `flush` together, in the order pushed, at the next animation frame (or
 * after frameBatchFallbackMs if no frame comes first), and no sooner than flushSpacingMs after the
 * last flush. `flushNow()` hands them over at once: call it before any write that must land after
 * them, so ordering is kept.
 */
export class FrameBatch<Item> {
  readonly #flush: (items: Item[]) => void;
  readonly #scheduler: FrameScheduler;
  readonly #flushSpacingMs: number;
  readonly #now: () => number;
  #items: Item[] = [];
  #frame: number | null = null;
  #fallback: ReturnType<typeof setTimeout> | null = null;
  #spacing: ReturnType<typeof setTimeout> | null = null;
  #lastFlushAtMs = Number.NEGATIVE_INFINITY;

  constructor(flush: (items: Item[]) => void, scheduler: FrameScheduler = browserFrameScheduler(), options: FrameBatchOptions = {}) {
    this.#flush = flush;
    this.#scheduler = scheduler;
    this.#flushSpacingMs = options.flushSpacingMs ?? 0;
    this.#now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: Item): void {
    this.#items.push(item);
    if (this.#items.length >= frameBatchItemsMax) return this.flushNow();
    if (this.#frame !== null || this.#spacing !== null) return;
    const waitMs = this.#lastFlushAtMs + this.#flushSpacingMs - this.#now();
    if (waitMs <= 0) return this.#requestFrame();
    this.#spacing = setTimeout(() => {
      this.#spacing = null;
      this.#requestFrame();
    }, waitMs);
  }

  flushNow(): void {
    this.#cancelTimers();
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    this.#lastFlushAtMs = this.#now();
    this.#flush(items);
  }

  /** Drops what is held, unflushed. */
  dispose(): void {
    this.#cancelTimers();
    this.#items = [];
  }

  #requestFrame(): void {
    this.#frame = this.#scheduler.request(() => this.flushNow());
    this.#fallback = setTimeout(() => this.flushNow(), frameBatchFallbackMs);
  }

  #cancelTimers(): void {
    if (this.#frame !== null) this.#scheduler.cancel(this.#frame);
    if (this.#fallback !== null) clearTimeout(this.#fallback);
    if (this.#spacing !== null) clearTimeout(this.#spacing);
    this.#frame = null;
    this.#fallback = null;
    this.#spacing = null;
  }
}
