/**
 * The largest value each numeric field of a call may carry, checked at
 * ingestion (`POST /calls` and every adapter), so every sum the rollup writes
 * fits its 64-bit column on PostgreSQL and SQLite alike.
 *
 * The largest sum is a daily rollup row: one model and currency for a whole
 * UTC day. Its `call_count` column is a 32-bit integer, so a row never sums
 * more than 2^31 − 1 calls, and:
 * - tokens: 10^9 × (2^31 − 1) ≈ 2.1 × 10^18 < 2^63 − 1 ≈ 9.2 × 10^18;
 * - durations: 8.64 × 10^7 ms × (2^31 − 1) ≈ 1.9 × 10^17;
 * - cost, stored in nano-units: 1,000 units = 10^12 nanos, so a row holds
 *   9,223,372 calls at the maximum cost (384,307 maximal calls an hour, all
 *   day, for one model). Real calls cost far less, so real rows hold far
 *   more; a sum past the bound fails only its own hour's rollup, which is
 *   recorded and alerted while the other hours roll (see CallRollup).
 */
export const CALL_BOUNDS = {
  /** Input, output and cached tokens, each, per call. */
  tokens: 1_000_000_000,
  /** Duration and time to first token: one day. */
  durationMs: 86_400_000,
  /** Cost per call in currency units (any currency). */
  cost: 1_000,
} as const;

export const MAX_COST_NANOS = BigInt(CALL_BOUNDS.cost) * 1_000_000_000n;
