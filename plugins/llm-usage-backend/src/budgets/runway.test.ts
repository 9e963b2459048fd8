import { estimateRunway } from './runway';

const UNIT = 1_000_000_000n;
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
    });
  });

  it('weights recent days more: a rising burn runs out sooner than a falling one', () => {
    // Weights 1..7: mean of 1..7 is 140/28 = 5; weighted deviation sqrt(84/28).
    const rising = estimateRunway(50n * UNIT, units(1, 2, 3, 4, 5, 6, 7));
    expect(rising).toEqual({
      dailyBurnNanos: 5n * UNIT,
      daysLeft: 10,
      daysLeftLow: 7.4, // 50 / (5 + 1.732)
      daysLeftHigh: 15.3, // 50 / (5 - 1.732)
    });
    // The same days in the other order: weighted mean 84/28 = 3.
    const falling = estimateRunway(50n * UNIT, units(7, 6, 5, 4, 3, 2, 1));
    expect(falling.dailyBurnNanos).toBe(3n * UNIT);
    expect(falling.daysLeft).toBe(16.6);
  });

  it('has no upper bound when the slow end of the range burns nothing', () => {
    // One big day yesterday: mean 490/28 = 17.5, deviation about 30.3.
    expect(estimateRunway(35n * UNIT, units(0, 0, 0, 0, 0, 0, 70))).toEqual({
      dailyBurnNanos: 17_500_000_000n,
      daysLeft: 2,
      daysLeftLow: 0.7,
      daysLeftHigh: null,
    });
  });

  it('says nothing burns when the series is empty or all zero', () => {
    const none = {
      dailyBurnNanos: 0n,
      daysLeft: null,
      daysLeftLow: null,
      daysLeftHigh: null,
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
    });
  });

  it('is exact for amounts beyond float precision of the total', () => {
    // 1e9 units left at 1 unit a day: the nanos exceed 2^53 but days do not.
    const estimate = estimateRunway(1_000_000_000n * UNIT, units(1, 1, 1));
    expect(estimate.daysLeft).toBe(1_000_000_000);
  });
});
