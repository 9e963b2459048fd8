import { toBigInt } from '../lib/money';

/**
 * Provider usage summed in SQL (per day, key or month) and added up in
 * JavaScript: the summed columns, the row they come back as (strings on
 * PostgreSQL) and the adding, shared by every reader of provider usage.
 */

/** The `.sum()` of a provider usage query. */
export const PROVIDER_USAGE_SUMS = {
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  requests: 'requests',
  cost_nanos: 'cost_nanos',
} as const;

type Summed = string | number | null;

/** A row of sums, per currency. */
export interface ProviderUsageSumRow {
  currency: string;
  input_tokens: Summed;
  output_tokens: Summed;
  requests: Summed;
  cost_nanos: Summed;
}

/** Tokens and requests (cost is kept per currency beside them). */
export interface ProviderUsageTotals {
  inputTokens: number;
  outputTokens: number;
  requests: number;
}

/** A key's month-to-date usage as its provider reports it. */
export interface KeyMonthUsage extends ProviderUsageTotals {
  cost: Map<string, bigint>;
}

/** Adds a row of sums into totals and their per-currency cost. */
export function addProviderUsage(
  totals: ProviderUsageTotals,
  cost: Map<string, bigint>,
  row: ProviderUsageSumRow,
): void {
  totals.inputTokens += Number(row.input_tokens ?? 0);
  totals.outputTokens += Number(row.output_tokens ?? 0);
  totals.requests += Number(row.requests ?? 0);
  cost.set(
    row.currency,
    (cost.get(row.currency) ?? 0n) + toBigInt(row.cost_nanos),
  );
}
