import {
  CALL_SORT_FIELDS,
  CALL_STATUSES,
  CALL_TYPES,
  PROJECT_SORT_FIELDS,
  TREND_INTERVALS,
  TREND_SPLITS,
  USAGE_SOURCES,
} from './constants';

/** @public */
export type CallType = (typeof CALL_TYPES)[number];
/** @public */
export type CallStatus = (typeof CALL_STATUSES)[number];
/** @public */
export type TrendInterval = (typeof TREND_INTERVALS)[number];
/** @public */
export type TrendSplit = (typeof TREND_SPLITS)[number];
/** @public */
export type ProjectSortField = (typeof PROJECT_SORT_FIELDS)[number];
/** @public */
export type CallSortField = (typeof CALL_SORT_FIELDS)[number];
/** @public */
export type SortOrder = 'asc' | 'desc';
/** Where usage figures come from: recorded calls or provider reports. @public */
export type UsageSource = (typeof USAGE_SOURCES)[number];
/** A requested source: `auto` is calls where the scope has any, else provider. @public */
export type UsageSourceParam = UsageSource | 'auto';

/**
 * One LLM call as sent to `POST /calls`. `id` is the idempotency key: sending
 * the same id again never counts twice, but completes a `processing` call.
 *
 * @public
 */
export interface CallInput {
  id: string;
  /** ISO 8601 with an offset or `Z`. */
  timestamp: string;
  /** Catalog user entity ref, e.g. `user:default/jane`. */
  userRef: string;
  projectId: string;
  provider: string;
  model: string;
  type?: CallType;
  status?: CallStatus;
  errorReason?: string;
  durationMs?: number;
  ttftMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  /** Decimal string (exact) or number; at most 9 decimal places are kept. */
  cost?: string | number;
  /** ISO 4217, defaults to USD. */
  currency?: string;
  apiKeyId?: string;
  metadata?: Record<string, unknown>;
}

/** @public */
export interface IngestCallsResponse {
  received: number;
  /** New ids stored. */
  inserted: number;
  /** Ids that were `processing` and got their final values. */
  completed: number;
  /** Ids already stored in a final state, left as they were. */
  unchanged: number;
}

/** A money amount as an exact decimal string in one currency. @public */
export interface CostAmount {
  currency: string;
  amount: string;
}

/** @public */
export interface TimeRange {
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
}

/** Aggregates over a set of calls. Latencies cover calls that reported one. @public */
export interface UsageTotals {
  calls: number;
  successCalls: number;
  failedCalls: number;
  processingCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  totalTokens: number;
  /** One entry per currency, never converted or summed across currencies. */
  costs: CostAmount[];
  /**
   * The part of `costs` computed from the price book (calls sent without a
   * cost), per currency; the rest was reported by the callers.
   */
  pricedCosts: CostAmount[];
  /** success / (success + failed); null when there were no finished calls. */
  successRate: number | null;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
  /**
   * Provider source only: the cost of reported tokens that came without a
   * cost, estimated from the price book, per currency. Never in `costs`.
   */
  estimatedCosts?: CostAmount[];
}

/** @public */
export interface UsageOverviewResponse {
  /** Where the figures come from. */
  source: UsageSource;
  range: TimeRange;
  previousRange: TimeRange;
  current: UsageTotals;
  previous: UsageTotals;
}

/** A catalog entity a project id is linked to through its annotation. @public */
export interface LinkedEntity {
  entityRef: string;
  title?: string;
  ownerRefs: string[];
}

/** @public */
export interface ProjectUsage extends UsageTotals {
  projectId: string;
  lastCallAt: string | null;
  entity?: LinkedEntity;
}

/** @public */
export interface ProjectListResponse {
  /** Where the figures come from. */
  source: UsageSource;
  range: TimeRange;
  items: ProjectUsage[];
  totalCount: number;
  offset: number;
  limit: number;
}

/** @public */
export interface UsageTrendPoint {
  /** Start of the bucket, ISO 8601 in the requested time zone. */
  bucketStart: string;
  /** `total`, or the provider / model name when split. */
  series: string;
  calls: number;
  successCalls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costs: CostAmount[];
  /** Provider source only: estimated from the price book, never in `costs`. */
  estimatedCosts?: CostAmount[];
}

/** @public */
export interface UsageTrendsResponse {
  /** Where the figures come from. */
  source: UsageSource;
  range: TimeRange;
  interval: TrendInterval;
  timeZone: string;
  split: TrendSplit;
  series: string[];
  points: UsageTrendPoint[];
}

/** @public */
export interface ProjectStatsResponse {
  projectId: string;
  range: TimeRange;
  stats: UsageTotals;
  entity?: LinkedEntity;
}

/** @public */
export interface ProjectTrendPoint {
  bucketStart: string;
  calls: number;
  failedCalls: number;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
}

/** @public */
export interface ProjectTrendsResponse {
  projectId: string;
  range: TimeRange;
  interval: TrendInterval;
  timeZone: string;
  points: ProjectTrendPoint[];
}

/** @public */
export interface ModelUsage {
  provider: string;
  model: string;
  calls: number;
  totalTokens: number;
  costs: CostAmount[];
  /** Provider source only: estimated from the price book, never in `costs`. */
  estimatedCosts?: CostAmount[];
  /** Share of the project's calls, 0..1. */
  share: number;
}

/** @public */
export interface ProjectModelsResponse {
  projectId: string;
  range: TimeRange;
  models: ModelUsage[];
}

/** A stored call as returned by the API. @public */
export interface CallRecord {
  id: string;
  timestamp: string;
  userRef: string;
  projectId: string;
  apiKeyId: string | null;
  provider: string;
  model: string;
  type: CallType;
  status: CallStatus;
  errorReason: string | null;
  durationMs: number | null;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Exact decimal string. */
  cost: string;
  currency: string;
  /** Who set the cost: the caller, the price book, or nobody (null, cost 0). */
  costSource: 'reported' | 'priced' | null;
  metadata: Record<string, unknown> | null;
}

/** @public */
export interface CallListResponse {
  items: CallRecord[];
  /** Opaque; pass as `cursor` to get the next page. Absent on the last page. */
  nextCursor?: string;
  /**
   * ISO 8601: raw calls before this were deleted by retention
   * (`llmUsage.retention.rawCallsDays`); their totals live on in every
   * summary. Absent when no call was ever deleted.
   */
  rawCallsSince?: string;
}

/** Query parameters shared by the usage endpoints. @public */
export interface UsageRangeQuery {
  from?: string;
  to?: string;
}

/** `GET /usage/overview`. @public */
export interface UsageOverviewQuery extends UsageRangeQuery {
  source?: UsageSourceParam;
}

/** @public */
export interface ProjectListQuery extends UsageRangeQuery {
  source?: UsageSourceParam;
  search?: string;
  sort?: ProjectSortField;
  order?: SortOrder;
  offset?: number;
  limit?: number;
}

/** @public */
export interface UsageTrendsQuery extends UsageRangeQuery {
  source?: UsageSourceParam;
  interval?: TrendInterval;
  tz?: string;
  split?: TrendSplit;
}

/** @public */
export interface ProjectTrendsQuery extends UsageRangeQuery {
  interval?: TrendInterval;
  tz?: string;
}

/** @public */
export interface CallListQuery extends UsageRangeQuery {
  model?: string;
  status?: CallStatus;
  type?: CallType;
  sort?: CallSortField;
  order?: SortOrder;
  limit?: number;
  cursor?: string;
}

/** `GET /info`: facts about this installation the UI shows. @public */
export interface LlmUsageInfoResponse {
  /** Generated demo data is being served (label it in the UI). */
  demoDataEnabled: boolean;
  /** Calls before this instant are answered from rollups where possible. */
  rolledUntil: string | null;
}
