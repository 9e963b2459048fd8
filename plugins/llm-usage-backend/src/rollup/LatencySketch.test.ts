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

describe('LatencyBins', () => {
  it('encodes exactly as a LatencySketch fed the same durations', () => {
    for (const seed of [1, 2, 3]) {
      const values = durations(5000, seed);
      const sketch = new LatencySketch();
      const bins = new LatencyBins();
      for (const value of values) {
        sketch.add(value);
        bins.addDuration(value);
      }
      expect(bins.encode()).toBe(sketch.encode());
    }
    expect(new LatencyBins().encode()).toBe(new LatencySketch().encode());
  });

  it('merges other bins and encoded sketches as the sketch merges them', () => {
    const [a, b, c] = [durations(800, 4), durations(300, 5), durations(50, 6)];
    const sketch = new LatencySketch();
    const encodedB = new LatencySketch();
    for (const value of [...a, ...b, ...c]) sketch.add(value);
    for (const value of b) encodedB.add(value);

    const binsA = new LatencyBins();
    const binsC = new LatencyBins();
    for (const value of a) binsA.addDuration(value);
    for (const value of c) binsC.addDuration(value);
    binsA.addEncoded(encodedB.encode());
    binsA.addBins(binsC);
    expect(binsA.encode()).toBe(sketch.encode());

    const decoded = new LatencySketch();
    decoded.mergeEncoded(binsA.encode());
    expect(decoded.count).toBe(a.length + b.length + c.length);
    expect(decoded.quantile(0.95)).toBe(sketch.quantile(0.95));
  });
});
