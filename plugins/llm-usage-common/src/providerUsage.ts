import type {
  CostAmount,
  ModelUsage,
  TimeRange,
  TrendInterval,
  UsageRangeQuery,
  UsageSource,
  UsageSourceParam,
  UsageTotals,
  UsageTrendPoint,
} from './types';

/** What provider-reported usage can be broken down by. @public */
export const PROVIDER_BREAKDOWN_DIMENSIONS = [
  'account',
  'key',
  'model',
  'provider',
] as const;

/** @public */
export type ProviderBreakdownDimension =
  (typeof PROVIDER_BREAKDOWN_DIMENSIONS)[number];

/** `GET /usage/provider/breakdown`. @public */
export interface ProviderBreakdownQuery extends UsageRangeQuery {
  by?: ProviderBreakdownDimension;
}

/** Provider-reported usage of one account, key, model or provider. @public */
export interface ProviderUsageBreakdownItem {
  /**
   * The account id, the key's inventory id (`accountId:providerKeyId` for a
   * key not in the inventory, `accountId:` for usage the provider does not
   * split by key), the model or the provider.
   */
  id: string;
  /** The account's or key's name; the model or provider otherwise. */
  label: string;
  provider: string | null;
  accountId: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  totalTokens: number;
  requests: number;
  /** Cost as the provider reported it, per currency. */
  costs: CostAmount[];
  /** Estimated from the price book for tokens reported without a cost; never in `costs`. */
  estimatedCosts: CostAmount[];
}

/** @public */
export interface ProviderUsageBreakdownResponse {
  range: TimeRange;
  by: ProviderBreakdownDimension;
  items: ProviderUsageBreakdownItem[];
}

/** `GET /entities/:kind/:namespace/:name/usage`. @public */
export interface EntityUsageQuery extends UsageRangeQuery {
  interval?: TrendInterval;
  tz?: string;
  source?: UsageSourceParam;
}

/**
 * A Component's or Group's usage from one source: its projects' recorded
 * calls, or the provider-reported usage of the keys linked to it (a Group:
 * the keys it owns and those linked to its Components).
 *
 * @public
 */
export interface EntityUsageResponse {
  /** The entity, as a lower-case entity ref. */
  entityRef: string;
  source: UsageSource;
  range: TimeRange;
  interval: TrendInterval;
  timeZone: string;
  totals: UsageTotals;
  /** One point per bucket that has usage, series `total`. */
  points: UsageTrendPoint[];
  models: ModelUsage[];
  /** The project ids counted from recorded calls. */
  projectIds: string[];
  /** How many keys (that the caller may read) the provider figures cover. */
  keyCount: number;
}
