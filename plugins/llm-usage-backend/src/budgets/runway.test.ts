import { RUNWAY_CAP_DAYS, estimateRunway } from './runway';

const UNIT = 1_000_000_000n;
const DAY_MS = 86_400_000;
const units = (...values: number[]) => values.map(v => BigInt(v) * UNIT);

describe('estimateRunway', () => {
  it('divides what is left by a steady burn, with no spread', () => {
    expect(
      estimateRunway(100n * UNIT, units(10, 10, 10, 10, 10, 10, 10)),
    ).toEqual({
      dailyBurnNanos: 10n * UNIT,
      daysLeft: 10,
      daysLeftLow: 10,
      daysLeftHigh: 10,
      beyondCap: false,
      runsOutInMs: 10 * DAY_MS,
    });
  });

  it('weights recent days more, in whole days rounded down: a rising burn runs out sooner than a falling one', () => {
    // Weights 1..7: mean of 1..7 is 140/28 = 5; weighted deviation sqrt(84/28).
    const rising = estimateRunway(50n * UNIT, units(1, 2, 3, 4, 5, 6, 7));
    expect(rising).toEqual({
      dailyBurnNanos: 5n * UNIT,
      daysLeft: 10,
      daysLeftLow: 7, // 50 / (5 + 1.732) = 7.43
      daysLeftHigh: 15, // 50 / (5 - 1.732) = 15.3
      beyondCap: false,
      runsOutInMs: 10 * DAY_MS,
    });
    // The same days in the other order: weighted mean 84/28 = 3.
    const falling = estimateRunway(50n * UNIT, units(7, 6, 5, 4, 3, 2, 1));
    expect(falling.dailyBurnNanos).toBe(3n * UNIT);
    expect(falling.daysLeft).toBe(16); // 16.67 days
    // The date keeps the unrounded figure.
    expect(falling.runsOutInMs).toBe(Math.round((50 / 3) * DAY_MS));
  });

  it('has no upper bound when the slow end of the range burns nothing', () => {
    // One big day yesterday: mean 490/28 = 17.5, deviation about 30.3.
    expect(estimateRunway(35n * UNIT, units(0, 0, 0, 0, 0, 0, 70))).toEqual({
      dailyBurnNanos: 17_500_000_000n,
      daysLeft: 2,
      daysLeftLow: 0, // 0.7: runs out within a day at the fast end
      daysLeftHigh: null,
      beyondCap: false,
      runsOutInMs: 2 * DAY_MS,
    });
  });

  it('says nothing burns when the series is empty or all zero', () => {
    const none = {
      dailyBurnNanos: 0n,
      daysLeft: null,
      daysLeftLow: null,
      daysLeftHigh: null,
      beyondCap: false,
      runsOutInMs: null,
    };
    expect(estimateRunway(10n * UNIT, [])).toEqual(none);
    expect(estimateRunway(10n * UNIT, units(0, 0, 0))).toEqual(none);
  });

  it('counts refunds and top-ups as no spend', () => {
    expect(estimateRunway(30n * UNIT, units(-50, 10, 10)).dailyBurnNanos).toBe(
      // (1*0 + 2*10 + 3*10) / 6
      8_333_333_333n,
    );
  });

  it('is zero days when nothing is left, whatever the burn', () => {
    expect(estimateRunway(-5n * UNIT, units(1, 1))).toEqual({
      dailyBurnNanos: UNIT,
      daysLeft: 0,
      daysLeftLow: 0,
      daysLeftHigh: 0,
      beyondCap: false,
      runsOutInMs: 0,
    });
  });

  it('is 0 whole days, with its date, when it runs out within a day', () => {
    const estimate = estimateRunway(UNIT / 2n, units(1, 1, 1));
    expect(estimate.daysLeft).toBe(0);
    expect(estimate.runsOutInMs).toBe(DAY_MS / 2);
  });

  it('says "more than the cap" instead of a number beyond a year', () => {
    // Exactly a year is still a number.
    expect(
      estimateRunway(BigInt(RUNWAY_CAP_DAYS) * UNIT, units(1, 1, 1)),
    ).toMatchObject({ daysLeft: RUNWAY_CAP_DAYS, beyondCap: false });
    // A day more, or 1e9 days (nanos beyond float precision), is beyond it.
    for (const left of [RUNWAY_CAP_DAYS + 1, 1_000_000_000]) {
      expect(estimateRunway(BigInt(left) * UNIT, units(1, 1, 1))).toEqual({
        dailyBurnNanos: UNIT,
        daysLeft: RUNWAY_CAP_DAYS,
        daysLeftLow: RUNWAY_CAP_DAYS,
        daysLeftHigh: null,
        beyondCap: true,
        runsOutInMs: null,
      });
    }
  });

  it('leaves the late end open when it alone is beyond the cap', () => {
    // Mean 5, deviation 1.73: 1,500 / 6.73 = 222 days, 1,500 / 3.27 = 459 days.
    expect(
      estimateRunway(1_500n * UNIT, units(1, 2, 3, 4, 5, 6, 7)),
    ).toMatchObject({
      daysLeft: 300,
      daysLeftLow: 222,
      daysLeftHigh: null,
      beyondCap: false,
    });
  });
});
