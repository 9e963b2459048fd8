import { DDSketch } from '@datadog/sketches-js';

/** 1% relative error on every quantile, as DDSketch guarantees. */
const RELATIVE_ACCURACY = 0.01;

/**
 * A mergeable latency distribution (DDSketch). Rollup rows store it encoded,
 * so a percentile over any range is computed by merging the rows' sketches,
 * never by averaging per-hour percentiles.
 *
 * Two encodings, both far cheaper to parse and merge by the thousand than
 * the library's protobuf form:
 * - bins: a JSON array `[zeroCount, key, count, dKey, count, …]` of the
 *   non-empty bins, keys delta-encoded. What {@link encode} writes.
 * - key list: the bin key of every sample, comma-separated in any order,
 *   {@link ZERO_SAMPLE} for a sample in the zero bin, '' for none. The
 *   database writes it for rows of a few calls (see `latencyKeySql`): two
 *   lists joined with a comma are their merge.
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
    let total = 0;
    const zeros = decodeBins(encoded, (key, weight) => {
      this.sketch.store.add(key, weight);
      total += weight;
    });
    this.sketch.zeroCount += zeros;
    this.sketch.count += total + zeros;
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

/** Stands for a sample in the zero bin in a key list. */
export const ZERO_SAMPLE = 'z';

/**
 * The mapping's key of a value is `ceil(ln(value) × KEY_MULTIPLIER)` (its
 * index offset is 0), which SQL can compute; a test checks the database's
 * keys against the mapping's at every bin boundary of an integer duration.
 */
export const KEY_MULTIPLIER =
  1 / Math.log1p((2 * RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY));

/** Calls `bin` for every (key, weight) of an encoded sketch; returns its zero count. */
function decodeBins(
  encoded: string,
  bin: (key: number, weight: number) => void,
): number {
  if (encoded[0] !== '[') return decodeKeyList(encoded, bin);
  const values = JSON.parse(encoded) as number[];
  let key = 0;
  for (let i = 1; i < values.length; i += 2) {
    key += values[i];
    bin(key, values[i + 1]);
  }
  return values[0] ?? 0;
}

function decodeKeyList(
  list: string,
  bin: (key: number, weight: number) => void,
): number {
  if (list === '') return 0;
  let zeros = 0;
  for (const key of list.split(',')) {
    if (key === ZERO_SAMPLE) zeros += 1;
    else bin(Number(key), 1);
  }
  return zeros;
}

/** Bin weights are packed below the key: 2^32 calls per bin and row at most. */
const WEIGHT_RANGE = 2 ** 32;

/**
 * The bins of a latency sketch, collected for the rollup, where hundreds of
 * thousands of rows are built at once: a flat array of packed (key, weight)
 * numbers instead of a sketch object per row. It encodes exactly as
 * {@link LatencySketch} does for the same samples.
 */
export class LatencyBins {
  private zeros = 0;
  private packed: number[] = [];

  addEncoded(encoded: string) {
    this.zeros += decodeBins(encoded, (key, weight) =>
      this.packed.push(key * WEIGHT_RANGE + weight),
    );
  }

  addBins(other: LatencyBins) {
    this.zeros += other.zeros;
    for (const value of other.packed) this.packed.push(value);
  }

  encode(): string {
    const sorted = this.packed.sort((a, b) => a - b);
    let text = `[${this.zeros}`;
    let previousKey = 0;
    for (let i = 0; i < sorted.length; ) {
      const key = Math.floor(sorted[i] / WEIGHT_RANGE);
      let weight = 0;
      for (
        ;
        i < sorted.length && Math.floor(sorted[i] / WEIGHT_RANGE) === key;
        i++
      ) {
        weight += sorted[i] - key * WEIGHT_RANGE;
      }
      text += `,${key - previousKey},${weight}`;
      previousKey = key;
    }
    return `${text}]`;
  }
}
