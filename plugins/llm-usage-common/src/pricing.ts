/**
 * Where a call's cost comes from: sent by the caller (`reported`), computed
 * from its tokens with the price book (`priced`); null when the call has no
 * cost. Provider-reported usage (synced from the providers' billing APIs) is
 * labelled `provider` where it is shown beside them.
 *
 * @public
 */
export type CostSource = 'reported' | 'priced' | 'provider';

/** The cost sources a stored call can have. @public */
export const CALL_COST_SOURCES = ['reported', 'priced'] as const;

/** Where a price book entry comes from, in rising precedence. @public */
export type PriceOrigin = 'default' | 'config' | 'admin';

/**
 * One price of a model: per million tokens, as exact decimal strings in the
 * entry's currency, in force from `effectiveFrom` until a later entry of the
 * same origin and model.
 *
 * @public
 */
export interface PriceEntry {
  /** Stable id; only `admin` entries can be changed or deleted. */
  id: string;
  origin: PriceOrigin;
  provider: string;
  /** The model id, or its undated name that dated ids such as `gpt-4o-2024-08-06` resolve to. */
  model: string;
  /** ISO 4217, e.g. `USD`, `CNY`. */
  currency: string;
  /** Per million input tokens that were not read from the cache. */
  inputPerMillion: string;
  /** Per million output tokens. */
  outputPerMillion: string;
  /** Per million cached input tokens; null bills them at the input price. */
  cachedPerMillion: string | null;
  /** `YYYY-MM-DD`, UTC. */
  effectiveFrom: string;
  /** Where the price was read (a pricing page) or why it was set. */
  note: string | null;
  /** Whether calls made now are priced by this entry (for its own model id). */
  inForce: boolean;
}

/** @public */
export interface ListPricesResponse {
  items: PriceEntry[];
}

/** An admin entry to create; `PATCH` takes any subset of it. @public */
export interface PriceEntryInput {
  provider: string;
  model: string;
  currency: string;
  inputPerMillion: string;
  outputPerMillion: string;
  cachedPerMillion?: string | null;
  effectiveFrom: string;
  note?: string | null;
}

/** `POST /prices/reprice`: the calls of a range to price again. @public */
export interface RepriceRequest {
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
  provider?: string;
  model?: string;
}

/** @public */
export interface RepriceResponse {
  /** Calls in the range with no cost or a priced one. */
  examined: number;
  /** Calls whose cost changed with the current price book. */
  repriced: number;
  /** Calls whose priced cost was already right. */
  unchanged: number;
  /** Calls no price applies to (now without a cost). */
  withoutPrice: number;
  /** Hours marked for the rollup to sum again. */
  hoursMarked: number;
}
