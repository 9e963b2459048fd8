import { sampleKey } from '../__testUtils__/latencyKeys';
import { LatencyBins, LatencySketch } from './LatencySketch';

/** Heavy-tailed durations with zeros and repeats, from a seeded generator. */
function durations(count: number, seed: number): number[] {
  let state = seed;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const roll = random();
    if (roll < 0.05) return 0;
    if (roll < 0.1) return 1;
    return Math.round(Math.exp(random() * 16));
  });
}

/** The key list of the durations, in the order given, as the rollup's SQL writes it. */
function keyList(values: number[]): string {
  return values.map(sampleKey).join(',');
}

describe('key lists', () => {
  it('decode to the sketch of the same durations, in any order', () => {
    for (const seed of [1, 2, 3]) {
      const values = durations(5000, seed);
      const sketch = new LatencySketch();
      for (const value of values) sketch.add(value);

      const reversed = keyList([...values].reverse());
      const bins = new LatencyBins();
      bins.addEncoded(reversed);
      expect(bins.encode()).toBe(sketch.encode());
      const decoded = new LatencySketch();
      decoded.mergeEncoded(reversed);
      expect(decoded.encode()).toBe(sketch.encode());
      expect(decoded.count).toBe(values.length);
    }
  });

  it('merge by joining, and the empty list is the empty sketch', () => {
    const [a, b] = [durations(700, 7), durations(90, 8)];
    const joined = new LatencyBins();
    joined.addEncoded(`${keyList(a)},${keyList(b)}`);
    const sketch = new LatencySketch();
    for (const value of [...a, ...b]) sketch.add(value);
    expect(joined.encode()).toBe(sketch.encode());

    const empty = new LatencyBins();
    empty.addEncoded('');
    expect(empty.encode()).toBe(new LatencySketch().encode());
  });
});

describe('LatencyBins', () => {
  it('merges other bins and encoded sketches as the sketch merges them', () => {
    const [a, b, c] = [durations(800, 4), durations(300, 5), durations(50, 6)];
    const sketch = new LatencySketch();
    const encodedB = new LatencySketch();
    for (const value of [...a, ...b, ...c]) sketch.add(value);
    for (const value of b) encodedB.add(value);

    const binsA = new LatencyBins();
    const binsC = new LatencyBins();
    binsA.addEncoded(keyList(a));
    binsC.addEncoded(keyList(c));
    binsA.addEncoded(encodedB.encode());
    binsA.addBins(binsC);
    expect(binsA.encode()).toBe(sketch.encode());

    const decoded = new LatencySketch();
    decoded.mergeEncoded(binsA.encode());
    expect(decoded.count).toBe(a.length + b.length + c.length);
    expect(decoded.quantile(0.95)).toBe(sketch.quantile(0.95));
  });
});
