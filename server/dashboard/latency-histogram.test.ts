import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.ts';

describe('LatencyHistogram', () => {
  it('has no percentile before anything is recorded', () => {
    expect(new LatencyHistogram().percentile(0.5)).toBeNull();
  });

  it('reports percentiles within 10% above the true value', () => {
    const histogram = new LatencyHistogram();
    for (let value = 1; value <= 1_000; value += 1) histogram.record(value / 10);
    const median = histogram.percentile(0.5)!;
    const p99 = histogram.percentile(0.99)!;
    expect(median).toBeGreaterThanOrEqual(50);
    expect(median).toBeLessThanOrEqual(55.1);
    expect(p99).toBeGreaterThanOrEqual(99);
    expect(p99).toBeLessThanOrEqual(109);
    expect(histogram.count).toBe(1_000);
  });

  it('keeps a latency past its largest bucket in the last one, and forgets everything on reset', () => {
    const histogram = new LatencyHistogram();
    histogram.record(0);
    histogram.record(10 * 60_000);
    expect(histogram.percentile(0)).toBe(0.1);
    expect(histogram.percentile(1)).toBeGreaterThan(60_000);
    histogram.reset();
    expect(histogram.count).toBe(0);
    expect(histogram.percentile(0.99)).toBeNull();
  });
});
