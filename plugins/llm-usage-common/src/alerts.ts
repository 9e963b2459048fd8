/**
 * Alerts and alert rules: the shapes of the `/alerts` and `/alert-rules`
 * endpoints, shared by the backend and the frontend.
 */

/** @public */
export const ALERT_TYPES = [
  'key_expiring',
  'low_balance',
  'high_usage',
  'key_error',
  'budget_runway',
  'rollup_failed',
  'reconciliation_gap',
  'anomaly',
  'key_rotation_due',
  'slo_burn_rate',
] as const;

/** @public */
export type AlertType = (typeof ALERT_TYPES)[number];

/** @public */
export const ALERT_SEVERITIES = ['info', 'warning', 'error'] as const;

/** @public */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * What an alert is about. `system` is the plugin itself (e.g. its hourly
 * rollup): such alerts have no owner, so only admins see them.
 *
 * @public
 */
export const ALERT_TARGET_TYPES = [
  'key',
  'account',
  'project',
  'budget',
  'system',
] as const;

/** @public */
export type AlertTargetType = (typeof ALERT_TARGET_TYPES)[number];

/** Where a rule applies: everywhere, or to one account, key, project or budget. @public */
export const ALERT_RULE_SCOPES = [
  'global',
  'account',
  'key',
  'project',
  'budget',
] as const;

/** @public */
export type AlertRuleScope = (typeof ALERT_RULE_SCOPES)[number];

/** @public */
export const ALERT_STATES = ['open', 'resolved', 'all'] as const;

/** @public */
export type AlertState = (typeof ALERT_STATES)[number];

/**
 * An alert: one crossing of one threshold, open until the condition clears.
 * The message is not stored as text: the UI formats `params` for the type in
 * the viewer's language.
 *
 * @public
 */
export interface Alert {
  id: string;
  type: AlertType;
  severity: AlertSeverity;
  target: {
    type: AlertTargetType;
    id: string;
    /** Display name of the key, account, project or budget. */
    name: string | null;
  };
  accountId: string | null;
  /** The catalog entity told about it (and whose members may see it). */
  ownerRef: string | null;
  /**
   * Values for the message, per type:
   * - key_expiring: `thresholdDays` (0 once expired), `expiresAt` (ISO), `daysLeft`
   * - low_balance: `currency`, `available`, `threshold` (decimal strings)
   * - high_usage: `metric` (`spend`, `tokens` or `budgetPercent`), `value`,
   *   `threshold`, `currency` (spend), `month` (`2026-11`)
   * - key_error: `reason` (`error`, `disabled` or `sync_failed`), `error`
   * - budget_runway: `daysLeft`, `thresholdDays`, `currency`, `remaining`
   * - rollup_failed: `firstHour` (ISO, the oldest failed hour), `hours` (how
   *   many hours fail), `failures` (failed runs of the oldest hour),
   *   `failedAt` (ISO, the latest failure), `error` (its reason, shortened)
   * - reconciliation_gap: `currency`, `days`, `from` and `to` (UTC days),
   *   `providerCost`, `recordedCost`, `difference` (decimal strings, summed
   *   over those days), `differencePercent` (null without provider cost),
   *   `tolerancePercent`
   * - anomaly: `kind` (see {@link ANOMALY_KINDS}), `at` (ISO hour or day),
   *   `value`, `baseline`, `score` (robust z; null when there was no traffic
   *   to compare with), `currency` (spend), `hours` (anomalous hours that
   *   day), `series` and `baselineSeries` (JSON arrays of the hours up to
   *   `at` and their hour-of-week baselines), `model` and `knownModels`
   *   (new_model), `providerRequests` (leaked_key, `value` is its tokens)
   * - key_rotation_due: `dueAt` (ISO), `daysLeft`, `maxAgeDays`, `thresholdDays`
   * - slo_burn_rate: `metric` (`latencyP95`, `errorRate` or `ttft`), `tier` (`fast` or
   *   `slow`), `threshold` (the objective's), `target`, `windowDays`,
   *   `longHours`, `shortHours`, `longBurnRate`, `shortBurnRate`,
   *   `burnRateThreshold`, `budgetRemaining` (share; null without hours)
   */
  params: Record<string, string | number | null>;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  /** Whether the caller has read it. */
  read: boolean;
}

/** `GET /alerts` query. @public */
export interface AlertListQuery {
  severity?: AlertSeverity;
  type?: AlertType;
  /** Default `open`. */
  state?: AlertState;
  /** Only alerts the caller has not read. */
  unread?: boolean;
  limit?: number;
  cursor?: string;
}

/** @public */
export interface AlertListResponse {
  items: Alert[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** `GET /alerts/unread-count`: open alerts the caller has not read. @public */
export interface AlertUnreadCountResponse {
  unread: number;
  bySeverity: Record<AlertSeverity, number>;
}

/** `POST /alerts/read` body. @public */
export interface MarkAlertsReadRequest {
  ids: string[];
}

/** `POST /alerts/read` and `POST /alerts/read-all` response. @public */
export interface MarkAlertsReadResponse {
  /** Alerts newly marked read. */
  marked: number;
}

/** An amount of one currency, as an exact decimal string. @public */
export interface MoneyThreshold {
  currency: string;
  amount: string;
}

/**
 * Fires at each number of days before a key expires, and once it has expired.
 * The rule's severity is the widest threshold's; each narrower one is one
 * step more severe (info, warning, error), and an expired key is an error.
 *
 * @public
 */
export interface KeyExpiringRuleParams {
  days: number[];
}

/** Fires when an account's latest balance of a currency drops below its amount. @public */
export interface LowBalanceRuleParams {
  thresholds: MoneyThreshold[];
}

/**
 * Fires when this month's spend or tokens go over a threshold; each target
 * kind is optional. `budgetPercents` compare a budget's month spend with its
 * amount (the rule's severity below 100 %, error at 100 % and more).
 *
 * @public
 */
export interface HighUsageRuleParams {
  keySpend: MoneyThreshold[];
  keyTokens: number | null;
  accountSpend: MoneyThreshold[];
  accountTokens: number | null;
  projectSpend: MoneyThreshold[];
  projectTokens: number | null;
  budgetPercents: number[];
}

/** Which key and account problems raise an alert. @public */
export interface KeyErrorRuleParams {
  /** Keys the provider reports invalid or in error. */
  invalid: boolean;
  /** Keys disabled at the provider. */
  disabled: boolean;
  /** Accounts whose last sync failed. */
  syncFailed: boolean;
}

/** Fires when a budget lasts fewer than `days` at the recent burn rate. @public */
export interface BudgetRunwayRuleParams {
  days: number;
}

/**
 * Fires while any hour of calls cannot be rolled up; nothing to tune, so
 * the rule is only on or off (and global). @public
 */
export type RollupFailedRuleParams = Record<string, never>;

/**
 * Fires when an account's provider-reported and recorded cost differ by
 * more than the tolerance on each of the last `days` complete UTC days
 * (an unreported service, a leaked key). @public
 */
export interface ReconciliationGapRuleParams {
  days: number;
  /** In percent of the provider's cost; null takes the configured tolerance. */
  tolerancePercent: number | null;
}

/**
 * What an anomaly alert found: a spike against the key's or project's own
 * hour-of-week baseline, a model it never used, calls at hours it never
 * works, or provider-reported use of a key that no recorded call made.
 *
 * @public
 */
export const ANOMALY_KINDS = [
  'request_spike',
  'token_spike',
  'spend_spike',
  'new_model',
  'off_hours',
  'leaked_key',
] as const;

/** @public */
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/**
 * Anomaly detection on keys and projects. An hour is a spike when its robust
 * z-score against the same hour of the week in the last `baselineWeeks`
 * weeks reaches `minScore` and it is at least `minRatio` times that
 * baseline; request spikes and calls at unusual hours need `minRequests`
 * calls in the hour. Raise `minScore` for fewer alerts.
 *
 * @public
 */
export interface AnomalyRuleParams {
  minScore: number;
  minRatio: number;
  minRequests: number;
  baselineWeeks: number;
  spikes: boolean;
  newModels: boolean;
  offHours: boolean;
  leakedKeys: boolean;
}

/**
 * Reminds the owner before a key reaches the maximum age of its rotation
 * policy, at each number of days before (and once overdue).
 *
 * @public
 */
export interface KeyRotationDueRuleParams {
  days: number[];
}

/**
 * Multiwindow burn-rate alerts on the projects' SLOs: the fast tier (6 h and
 * 1 h at burn rate 6) one step more severe than the rule, the slow tier
 * (72 h and 24 h at burn rate 1) at the rule's severity; each can be off.
 *
 * @public
 */
export interface SloBurnRateRuleParams {
  fast: boolean;
  slow: boolean;
}

/** @public */
export interface AlertRuleParamsByType {
  key_expiring: KeyExpiringRuleParams;
  low_balance: LowBalanceRuleParams;
  high_usage: HighUsageRuleParams;
  key_error: KeyErrorRuleParams;
  budget_runway: BudgetRunwayRuleParams;
  rollup_failed: RollupFailedRuleParams;
  reconciliation_gap: ReconciliationGapRuleParams;
  anomaly: AnomalyRuleParams;
  key_rotation_due: KeyRotationDueRuleParams;
  slo_burn_rate: SloBurnRateRuleParams;
}

/**
 * A rule as it applies: the built-in default (`id` null) until someone saves
 * one for that type and scope.
 *
 * @public
 */
export type AlertRule = {
  [T in AlertType]: {
    id: string | null;
    type: T;
    scope: AlertRuleScope;
    /** The account, key, project or budget id; null for the global scope. */
    scopeId: string | null;
    enabled: boolean;
    severity: AlertSeverity;
    params: AlertRuleParamsByType[T];
    updatedAt: string | null;
    updatedBy: string | null;
  };
}[AlertType];

/** `GET /alert-rules`: every global rule (saved or default) and every override. @public */
export interface AlertRuleListResponse {
  items: AlertRule[];
}

/** `PUT /alert-rules` body: creates or replaces the rule of a type and scope. @public */
export type AlertRuleInput = {
  [T in AlertType]: {
    type: T;
    scope: AlertRuleScope;
    scopeId?: string | null;
    enabled: boolean;
    severity: AlertSeverity;
    params: AlertRuleParamsByType[T];
  };
}[AlertType];
