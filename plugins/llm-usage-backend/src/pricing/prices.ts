import type { PriceOrigin } from '@llm-usage/backstage-plugin-llm-usage-common';
import { MAX_COST_NANOS } from '../ingest/bounds';

/** Nano-units per unit of a currency, and tokens per quoted price. */
const NANOS_PER_UNIT = 1_000_000_000n;
const TOKENS_PER_QUOTE = 1_000_000n;

/** One price of a model, amounts in nano-units per million tokens. */
export interface Price {
  id: string;
  origin: PriceOrigin;
  provider: string;
  model: string;
  currency: string;
  inputNanosPerMillion: bigint;
  outputNanosPerMillion: bigint;
  /** null: cached tokens are billed at the input price. */
  cachedNanosPerMillion: bigint | null;
  /** Epoch ms of the UTC day the price applies from. */
  effectiveFrom: number;
  note: string | null;
}

/** The tokens of one call that a price multiplies. */
export interface BilledTokens {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

/**
 * The cost of a call's tokens in nano-units, exact to the nano-unit (the
 * product is summed in BigInt and divided once, half rounded up).
 *
 * Input tokens include the cached ones, as OpenAI's usage and the GenAI
 * semantic conventions count them: the uncached part is billed at the input
 * price and the cached part at the cached price. Cached tokens beyond the
 * input (a caller counting them apart, as Anthropic does) are billed at the
 * cached price only.
 */
export function costOf(price: Price, tokens: BilledTokens): bigint {
  const cached = BigInt(tokens.cachedTokens);
  const input = BigInt(tokens.inputTokens);
  const uncached = input > cached ? input - cached : 0n;
  const cachedPrice = price.cachedNanosPerMillion ?? price.inputNanosPerMillion;
  const scaled =
    uncached * price.inputNanosPerMillion +
    cached * cachedPrice +
    BigInt(tokens.outputTokens) * price.outputNanosPerMillion;
  return (scaled + TOKENS_PER_QUOTE / 2n) / TOKENS_PER_QUOTE;
}

/** Whether a priced cost fits the per-call bound every stored cost obeys. */
export function withinCostBound(nanos: bigint): boolean {
  return nanos <= MAX_COST_NANOS;
}

/** The highest price per million tokens accepted: 10,000 currency units. */
export const MAX_PRICE_NANOS_PER_MILLION = 10_000n * NANOS_PER_UNIT;

/** `YYYY-MM-DD` of an epoch ms, UTC. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of a `YYYY-MM-DD` day, UTC; undefined if it is no real day. */
export function dayStartMs(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && isoDay(ms) === day ? ms : undefined;
}
