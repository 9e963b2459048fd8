import type { Knex } from 'knex';
import { KEY_MULTIPLIER, ZERO_SAMPLE } from '../rollup/LatencySketch';
import { isPostgres } from './bulkInsert';

/** A call whose duration counts: processing calls are not final yet. */
const FINISHED = "status <> 'processing'";

/** SQL over `llm_usage_calls`: the calls whose duration is a latency sample. */
export const HAS_LATENCY = `duration_ms IS NOT NULL AND ${FINISHED}`;

/**
 * What one raw call contributes to each additive rollup counter, as SQL over
 * `llm_usage_calls`. Summed, these give exactly the columns a rollup row
 * stores, so raw calls and rollups mix freely in one read.
 */
export const CALL_COUNTERS: Record<string, string> = {
  call_count: '1',
  success_count: "CASE WHEN status = 'success' THEN 1 ELSE 0 END",
  failed_count: "CASE WHEN status = 'failed' THEN 1 ELSE 0 END",
  processing_count: "CASE WHEN status = 'processing' THEN 1 ELSE 0 END",
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  cached_tokens: 'cached_tokens',
  latency_count: `CASE WHEN ${HAS_LATENCY} THEN 1 ELSE 0 END`,
  latency_sum_ms: `CASE WHEN ${HAS_LATENCY} THEN duration_ms ELSE 0 END`,
  ttft_count: `CASE WHEN ttft_ms IS NOT NULL AND ${FINISHED} THEN 1 ELSE 0 END`,
  ttft_sum_ms: `CASE WHEN ttft_ms IS NOT NULL AND ${FINISHED} THEN ttft_ms ELSE 0 END`,
};

/**
 * SQL over `llm_usage_calls`: the part of a call's cost the price book
 * computed. Rollups sum it as `priced_cost_nanos`, a part of `cost_nanos`.
 */
export const PRICED_COST_SQL =
  "CASE WHEN cost_source = 'priced' THEN cost_nanos ELSE 0 END";

/** The additive counter columns of a rollup row, named as in {@link CALL_COUNTERS}. */
export const COUNTER_COLUMNS = Object.keys(CALL_COUNTERS);

/**
 * SQL over `llm_usage_calls`: the call's entry in a latency key list (see
 * `LatencySketch`), NULL when its duration is not a latency sample. Binds
 * the key multiplier, so both databases multiply by the very same double.
 */
export function latencyKeySql(db: Knex): Knex.Raw {
  return db.raw(
    `CASE WHEN ${HAS_LATENCY} THEN CASE WHEN duration_ms > 0 THEN CAST(CAST(CEIL(LN(CAST(duration_ms AS DOUBLE PRECISION)) * ?) AS INTEGER) AS TEXT) ELSE '${ZERO_SAMPLE}' END END`,
    [KEY_MULTIPLIER],
  );
}

/** The text aggregate of each dialect: string_agg is only recent in SQLite. */
export function joinedTextSql(
  db: Knex,
  expression: string,
  separator = ',',
): string {
  return isPostgres(db)
    ? `string_agg(${expression}, '${separator}')`
    : `group_concat(${expression}, '${separator}')`;
}
