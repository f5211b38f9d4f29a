/**
 * Reply latencies of one second, in logarithmic buckets (each 10% wider than the last), so that
 * recording is a constant-time increment whatever the load and a percentile is read once a second.
 * A percentile is reported as its bucket's upper bound: at most 10% above the true value.
 */
const bucketGrowth = 1.1;
const smallestBoundMs = 0.05;
/** 0.05 ms * 1.1^150 is about 80 s: every latency a reply can have before it times out. */
const bucketCount = 150;
const logGrowth = Math.log(bucketGrowth);

export class LatencyHistogram {
  readonly #counts = new Uint32Array(bucketCount + 1);
  #total = 0;

  record(latencyMs: number): void {
    const bucket = latencyMs <= smallestBoundMs ? 0 : Math.min(bucketCount, Math.ceil(Math.log(latencyMs / smallestBoundMs) / logGrowth));
    this.#counts[bucket]! += 1;
    this.#total += 1;
  }

  get count(): number {
    return this.#total;
  }

  /** The latency below which `fraction` of the recorded ones fall (to one decimal of a ms); null when none. */
  percentile(fraction: number): number | null {
    if (this.#total === 0) return null;
    const rank = Math.max(1, Math.ceil(fraction * this.#total));
    let seen = 0;
    for (let bucket = 0; bucket <= bucketCount; bucket++) {
      seen += this.#counts[bucket]!;
      if (seen >= rank) return Math.round(smallestBoundMs * bucketGrowth ** bucket * 10) / 10;
    }
    return null;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#total = 0;
  }
}
