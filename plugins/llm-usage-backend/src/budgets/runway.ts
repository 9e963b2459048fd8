/**
 * How long money lasts at the recent burn rate.
 *
 * The burn rate is a weighted mean of the last days' spend, with linear
 * weights so yesterday counts seven times as much as a week ago: a team that
 * just started a big job burns at its new rate, not its weekly average. The
 * range comes from the weighted standard deviation of the same days: the
 * pessimistic end assumes burn one deviation higher, the optimistic end one
 * lower (unbounded when that would be no burn at all).
 */

/** The number of trailing whole days the burn rate is taken from. */
export const RUNWAY_WINDOW_DAYS = 7;

/**
 * The longest runway worth a number: a week of spend says nothing precise
 * about next year, so anything longer reads "more than a year".
 */
export const RUNWAY_CAP_DAYS = 365;

/** @public */
export interface RunwayEstimate {
  /** Weighted mean spend per day, in nano-units; 0 when nothing was spent. */
  dailyBurnNanos: bigint;
  /**
   * Whole days until the amount is used up at that rate, rounded down (0 when
   * it runs out within a day), at most {@link RUNWAY_CAP_DAYS}; null when
   * nothing burns.
   */
  daysLeft: number | null;
  /** Whole days left at a burn one weighted deviation higher (the early end). */
  daysLeftLow: number | null;
  /**
   * Whole days left at a burn one weighted deviation lower (the late end);
   * null when that burn is zero or less, so there is no upper bound, or when
   * it is beyond the cap.
   */
  daysLeftHigh: number | null;
  /** True when the runway is longer than {@link RUNWAY_CAP_DAYS}. */
  beyondCap: boolean;
  /**
   * Milliseconds until the amount is used up, unrounded, for a date; null
   * when nothing burns or the runway is beyond the cap.
   */
  runsOutInMs: number | null;
}

const DAY_MS = 86_400_000;

/**
 * Estimates the runway of `remainingNanos` from a daily spend series.
 *
 * Pure and deterministic: the same inputs give the same estimate.
 *
 * @param remainingNanos - what is left, in nano-units of one currency.
 * @param dailyBurnNanos - spend per whole day in the same currency, oldest
 *   first (usually {@link RUNWAY_WINDOW_DAYS} days ending yesterday). Negative
 *   days (a refund, a top-up seen as a balance rise) count as no spend.
 * @returns whole days left (rounded down, capped), with a low–high range;
 *   0 days when nothing is left.
 * @public
 */
export function estimateRunway(
  remainingNanos: bigint,
  dailyBurnNanos: readonly bigint[],
): RunwayEstimate {
  const days = dailyBurnNanos.map(b => (b > 0n ? b : 0n));
  let weightSum = 0n;
  let weighted = 0n;
  days.forEach((burn, index) => {
    const weight = BigInt(index + 1);
    weightSum += weight;
    weighted += weight * burn;
  });
  const meanNanos = weightSum > 0n ? weighted / weightSum : 0n;

  if (remainingNanos <= 0n) {
    return {
      dailyBurnNanos: meanNanos,
      daysLeft: 0,
      daysLeftLow: 0,
      daysLeftHigh: 0,
      beyondCap: false,
      runsOutInMs: 0,
    };
  }
  if (meanNanos === 0n) {
    return {
      dailyBurnNanos: 0n,
      daysLeft: null,
      daysLeftLow: null,
      daysLeftHigh: null,
      beyondCap: false,
      runsOutInMs: null,
    };
  }

  // The deviation is a forecast figure, not money: floats are fine here.
  const mean = Number(weighted) / Number(weightSum);
  let variance = 0;
  days.forEach((burn, index) => {
    const diff = Number(burn) - mean;
    variance += (index + 1) * diff * diff;
  });
  const deviation = Math.sqrt(variance / Number(weightSum));
  const remaining = Number(remainingNanos);
  const slowBurn = mean - deviation;

  const exact = remaining / mean;
  const beyondCap = exact > RUNWAY_CAP_DAYS;
  // A relative tolerance: a flat series has a deviation of float noise.
  const high = slowBurn > mean * 1e-9 ? remaining / slowBurn : null;

  return {
    dailyBurnNanos: meanNanos,
    daysLeft: wholeDays(exact),
    daysLeftLow: wholeDays(remaining / (mean + deviation)),
    daysLeftHigh:
      high === null || high > RUNWAY_CAP_DAYS ? null : wholeDays(high),
    beyondCap,
    runsOutInMs: beyondCap ? null : Math.round(exact * DAY_MS),
  };
}

/** Rounded down, at most the cap; the epsilon keeps 10 from reading 9.999…. */
function wholeDays(days: number): number {
  return Math.min(RUNWAY_CAP_DAYS, Math.floor(days + 1e-9));
}
