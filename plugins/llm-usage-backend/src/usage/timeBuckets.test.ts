import { timeBuckets } from './timeBuckets';

const HOUR = 3_600_000;

describe('timeBuckets', () => {
  it('starts each day at local midnight across a daylight saving change', () => {
    // Europe/Berlin moves to summer time on 2026-03-29.
    const from = Date.parse('2026-03-27T12:00:00Z');
    const to = Date.parse('2026-03-31T00:00:00Z');
    const { starts, labels } = timeBuckets(from, to, 'day', 'Europe/Berlin');
    expect(labels).toEqual([
      '2026-03-27T00:00:00.000+01:00',
      '2026-03-28T00:00:00.000+01:00',
      '2026-03-29T00:00:00.000+01:00',
      '2026-03-30T00:00:00.000+02:00',
      '2026-03-31T00:00:00.000+02:00',
    ]);
    expect(labels.map(label => Date.parse(label))).toEqual(starts);
    // The summer-time day is 23 hours long.
    expect(starts[3] - starts[2]).toBe(23 * HOUR);
  });

  it('leaves out a bucket that starts exactly at the end of the range', () => {
    const from = Date.parse('2026-10-01T00:00:00Z');
    const atBoundary = timeBuckets(from, from + 3 * HOUR, 'hour', 'UTC');
    const within = timeBuckets(from, from + 3 * HOUR + 1, 'hour', 'UTC');
    expect(atBoundary.starts).toEqual([from, from + HOUR, from + 2 * HOUR]);
    expect(within.starts).toEqual([...atBoundary.starts, from + 3 * HOUR]);
  });

  it('gives ranges that end in the same bucket the same buckets, however often asked', () => {
    const from = Date.parse('2026-09-01T07:30:00Z');
    const first = timeBuckets(
      from,
      from + 10 * 24 * HOUR,
      'day',
      'Asia/Shanghai',
    );
    const again = timeBuckets(
      from + 1,
      from + 10 * 24 * HOUR + 5,
      'day',
      'Asia/Shanghai',
    );
    expect(again).toEqual(first);
    expect(first.starts).toHaveLength(11);
    expect(first.labels[0]).toBe('2026-09-01T00:00:00.000+08:00');
  });
});
