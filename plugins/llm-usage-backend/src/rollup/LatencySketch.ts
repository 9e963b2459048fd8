import { DDSketch } from '@datadog/sketches-js';

/** 1% relative error on every quantile, as DDSketch guarantees. */
const RELATIVE_ACCURACY = 0.01;

/**
 * A mergeable latency distribution (DDSketch). Rollup rows store it encoded,
 * so a percentile over any range is computed by merging the rows' sketches,
 * never by averaging per-hour percentiles.
 *
 * The encoding is a compact JSON array `[zeroCount, key, count, dKey, count, …]`
 * of the non-empty bins, keys delta-encoded; it is far cheaper to parse and
 * merge by the thousand than the library's protobuf form.
 */
export class LatencySketch {
  private readonly sketch = new DDSketch({
    relativeAccuracy: RELATIVE_ACCURACY,
  });

  get count(): number {
    return this.sketch.count;
  }

  add(latencyMs: number) {
    this.sketch.accept(latencyMs);
  }

  /** Adds the bins of an encoded sketch (as produced by {@link encode}). */
  mergeEncoded(encoded: string) {
    const values = JSON.parse(encoded) as number[];
    const zeros = values[0] ?? 0;
    let total = zeros;
    let key = 0;
    for (let i = 1; i < values.length; i += 2) {
      key += values[i];
      const weight = values[i + 1];
      this.sketch.store.add(key, weight);
      total += weight;
    }
    this.sketch.zeroCount += zeros;
    this.sketch.count += total;
  }

  merge(other: LatencySketch) {
    this.sketch.merge(other.sketch);
  }

  encode(): string {
    const store = this.sketch.store;
    const values: number[] = [this.sketch.zeroCount];
    if (store.count > 0) {
      let previousKey = 0;
      for (let key = store.minKey; key <= store.maxKey; key++) {
        const weight = store.bins[key - store.offset];
        if (weight > 0) {
          values.push(key - previousKey, weight);
          previousKey = key;
        }
      }
    }
    return JSON.stringify(values);
  }

  /** The value at quantile q (0..1), or null for an empty sketch. */
  quantile(q: number): number | null {
    if (this.sketch.count === 0) {
      return null;
    }
    return this.sketch.getValueAtQuantile(q);
  }
}
