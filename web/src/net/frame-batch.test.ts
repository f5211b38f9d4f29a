import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBatch, frameBatchFallbackMs, frameBatchItemsMax, type FrameScheduler } from './frame-batch.ts';

/** Frames that come only when the test says so. */
function manualFrames(): FrameScheduler & { runFrame: () => void; pending: () => number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    request: (callback) => {
      callbacks.set(next, callback);
      return next++;
    },
    cancel: (handle) => void callbacks.delete(handle),
    runFrame: () => {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback();
    },
    pending: () => callbacks.size,
  };
}

describe('FrameBatch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands over everything pushed within a frame once, in order, at the frame', () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batch = new FrameBatch<number>((items) => flushed.push(items), frames);
    batch.push(1);
    batch.push(2);
    batch.push(3);
    expect(frames.pending()).toBe(1);
    expect(flushed).toEqual([]);
    frames.runFrame();
    expect(flushed).toEqual([[1, 2, 3]]);
    batch.push(4);
    frames.runFrame();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it('does not wait for a frame that never comes (a hidden tab)', () => {
    const frames = manualFrames();
    const flushed: string[][] = [];
    const batch = new FrameBatch<string>((items) => flushed.push(items), frames);
    batch.push('a');
    vi.advanceTimersByTime(frameBatchFallbackMs);
    expect(flushed).toEqual([['a']]);
    expect(frames.pending()).toBe(0);
  });

  it('flushNow hands over at once, so a later write lands after what was held', () => {
    const frames = manualFrames();
    const log: string[] = [];
    const batch = new FrameBatch<string>((items) => log.push(...items), frames);
    batch.push('changes 1');
    batch.flushNow();
    log.push('welcome');
    frames.runFrame();
    vi.runAllTimers();
    expect(log).toEqual(['changes 1', 'welcome']);
  });

  it('flushes at once past frameBatchItemsMax, so a stalled frame cannot hold unbounded items', () => {
    const frames = manualFrames();
    const sizes: number[] = [];
    const batch = new FrameBatch<number>((items) => sizes.push(items.length), frames);
    for (let item = 0; item < frameBatchItemsMax + 1; item += 1) batch.push(item);
    expect(sizes).toEqual([frameBatchItemsMax]);
    expect(batch.size).toBe(1);
  });

  it('dispose drops what is held', () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batch = new FrameBatch<number>((items) => flushed.push(items), frames);
    batch.push(1);
    batch.dispose();
    frames.runFrame();
    vi.runAllTimers();
    expect(flushed).toEqual([]);
  });

  it('spaces flushes of a steady stream by flushSpacingMs, yet shows the first item after a quiet spell at the next frame', () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batch = new FrameBatch<number>((items) => flushed.push(items), frames, { flushSpacingMs: 100, now: () => Date.now() });
    batch.push(1);
    expect(frames.pending()).toBe(1);
    frames.runFrame();
    expect(flushed).toEqual([[1]]);

    vi.advanceTimersByTime(30);
    batch.push(2);
    batch.push(3);
    expect(frames.pending()).toBe(0);
    vi.advanceTimersByTime(69);
    expect(frames.pending()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(frames.pending()).toBe(1);
    frames.runFrame();
    expect(flushed).toEqual([[1], [2, 3]]);

    vi.advanceTimersByTime(500);
    batch.push(4);
    expect(frames.pending()).toBe(1);
    frames.runFrame();
    expect(flushed).toEqual([[1], [2, 3], [4]]);
  });

  it('flushNow hands over items held for the spacing at once, and dispose drops them', () => {
    const frames = manualFrames();
    const flushed: string[][] = [];
    const batch = new FrameBatch<string>((items) => flushed.push(items), frames, { flushSpacingMs: 100, now: () => Date.now() });
    batch.push('a');
    frames.runFrame();
    batch.push('b');
    batch.flushNow();
    expect(flushed).toEqual([['a'], ['b']]);
    batch.push('c');
    batch.dispose();
    vi.runAllTimers();
    frames.runFrame();
    expect(flushed).toEqual([['a'], ['b']]);
  });
});
