import {
  HOUR_MS,
  WEEK_HOURS,
  hourOfWeek,
  leakedDays,
  median,
  newModels,
  offHours,
  residualScale,
  sameHourBefore,
  spikes,
} from './detect';

// Monday 2 November 2026, 00:00 UTC.
const MONDAY = Date.UTC(2026, 10, 2);
const options = {
  threshold: 5,
  minRatio: 2.5,
  minValue: 20,
  weeks: 4,
  minWeeks: 2,
};

/** Four weeks and a day of a series that repeats `week` (168 values). */
function repeat(week: (hour: number) => number, weeks = 4, extra = 24) {
  return Array.from({ length: weeks * WEEK_HOURS + extra }, (_, i) =>
    week(i % WEEK_HOURS),
  );
}

describe('anomaly detection maths', () => {
  it('numbers hours of the week from Monday 00:00 UTC', () => {
    expect(hourOfWeek(MONDAY)).toBe(0);
    expect(hourOfWeek(MONDAY + 25 * HOUR_MS)).toBe(25);
    expect(hourOfWeek(MONDAY - HOUR_MS)).toBe(167); // Sunday 23:00
  });

  it('takes the median and the same hour of earlier weeks', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const values = repeat(hour => hour);
    expect(sameHourBefore(values, 2 * WEEK_HOURS + 5, 4)).toEqual([5, 5]);
  });

  it('scores a spike by hand: sqrt(121) against sqrt(20.5), scaled by the MAD of the residuals', () => {
    // Every hour alternates 16 and 25 calls week by week, so each hour's
    // baseline is a median of 16s and 25s and its residuals are ±1 or 0.
    const values: number[] = Array.from({ length: 5 * WEEK_HOURS }, (_, i) =>
      Math.floor(i / WEEK_HOURS) % 2 === 0 ? 16 : 25,
    );
    const from = 4 * WEEK_HOURS;
    const roots = values.map(Math.sqrt);
    // Residuals (square roots) from week 2 on: week 2, 4 against the
    // median of [5, 4] = 4.5 → −0.5; week 3, 5 against the median of
    // [4, 5, 4] = 4 → +1. MAD of {−0.5 ×168, +1 ×168} around its median 0.25
    // is 0.75, times 1.4826.
    expect(residualScale(roots, from, options)).toBeCloseTo(0.75 * 1.4826, 6);

    values[from + 10] = 121; // week 4 would be 16; baseline median(25,16,25,16)=20.5
    const [spike, ...others] = spikes({ start: MONDAY, values }, from, options);
    expect(others).toEqual([]);
    expect(spike).toMatchObject({
      index: from + 10,
      hourStart: MONDAY + (from + 10) * HOUR_MS,
      value: 121,
      baseline: 20.5,
    });
    const expected = (11 - Math.sqrt(20.5)) / (0.75 * 1.4826); // 5.82
    expect(spike.score).toBeCloseTo(expected, 2);
  });

  it('needs the score, the ratio and the minimum all at once', () => {
    const values = repeat(() => 10, 4, WEEK_HOURS);
    const from = 4 * WEEK_HOURS;
    values[from] = 24; // 2.4× its baseline: under minRatio 2.5
    values[from + 1] = 19; // under minValue 20
    values[from + 2] = 30; // 3×, over 20 and a high score
    expect(
      spikes({ start: MONDAY, values }, from, options).map(s => s.index),
    ).toEqual([from + 2]);
    // Without history there is no baseline to compare with.
    expect(spikes({ start: MONDAY, values }, 0, options)).toEqual([]);
  });

  it('finds calls at an hour of the week that never had any, and only there', () => {
    // Works 08:00–17:59 every day; nights are silent.
    const values = repeat(hour => (hour % 24 >= 8 && hour % 24 < 18 ? 5 : 0));
    const from = 4 * WEEK_HOURS;
    values[from + 3] = 25; // Monday 03:00
    values[from + 7] = 30; // 07:00, next to a working hour: not "never"
    values[from + 4] = 5; // under minValue
    expect(
      offHours({ start: MONDAY, values }, from, options).map(h => h.index),
    ).toEqual([from + 3]);
    // A key with no history at all is not "off hours".
    const fresh = Array(5 * WEEK_HOURS).fill(0);
    fresh[from + 3] = 50;
    expect(offHours({ start: MONDAY, values: fresh }, from, options)).toEqual(
      [],
    );
  });

  it('reports models first seen in the window for a subject already in use', () => {
    const window = MONDAY;
    const uses = [
      { model: 'gpt-4o', firstSeenAt: window - 10 * HOUR_MS, calls: 5 },
      { model: 'o1', firstSeenAt: window + HOUR_MS, calls: 2 },
      { model: 'idle-new', firstSeenAt: window + HOUR_MS, calls: 0 },
    ];
    expect(newModels(uses, window)).toEqual([
      {
        model: 'o1',
        firstSeenAt: window + HOUR_MS,
        calls: 2,
        knownModels: ['gpt-4o'],
      },
    ]);
    // A brand-new key's first models are not news.
    expect(newModels(uses.slice(1), window)).toEqual([]);
  });

  it('calls a day leaked when the provider billed an instrumented key that no call used', () => {
    const days = [
      { day: 1, providerRequests: 40, providerTokens: 900, recordedCalls: 0 },
      { day: 2, providerRequests: 40, providerTokens: 900, recordedCalls: 38 },
      { day: 3, providerRequests: 0, providerTokens: 500, recordedCalls: 0 },
      { day: 4, providerRequests: 0, providerTokens: 0, recordedCalls: 0 },
    ];
    expect(leakedDays(days, true, 1).map(d => d.day)).toEqual([1, 3]);
    expect(leakedDays(days, false, 1)).toEqual([]);
  });
});
