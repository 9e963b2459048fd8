import { LatencySketch, ZERO_SAMPLE } from '../rollup/LatencySketch';

/**
 * A duration's entry in a latency key list, from the sketch library itself:
 * a sketch of that one sample encodes as `[0,key,1]`, or `[1]` for a zero.
 */
export function sampleKey(durationMs: number): string {
  const sketch = new LatencySketch();
  sketch.add(durationMs);
  const [zeros, key] = JSON.parse(sketch.encode()) as number[];
  return zeros === 1 ? ZERO_SAMPLE : String(key);
}
