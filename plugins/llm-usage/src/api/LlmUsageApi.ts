import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  Alert,
  AlertListQuery,
  AlertListResponse,
  AlertRule,
  AlertRuleInput,
  AlertRuleListResponse,
  AlertUnreadCountResponse,
  MarkAlertsReadResponse,
  AuditEventListQuery,
  AuditEventListResponse,
  BalanceHistoryResponse,
  Budget,
  BudgetListResponse,
  CallListQuery,
  CallListResponse,
  DailyCostsQuery,
  DailyCostsResponse,
  CreateBudgetRequest,
  DigestPreferences,
  DigestPreferencesResponse,
  LlmUsageInfoResponse,
  ProjectListQuery,
  ProjectListResponse,
  ProjectModelsResponse,
  ProjectStatsResponse,
  ProjectTrendsQuery,
  ProjectTrendsResponse,
  QuotaResponse,
  UpdateBudgetRequest,
  UpdateDigestPreferencesRequest,
  UsageOverviewResponse,
  UsageRangeQuery,
  UsageTrendsQuery,
  UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/**
 * Options every request accepts.
 *
 * @public
 */
export interface LlmUsageRequestOptions {
  /** Aborts the request, e.g. when the view asking for it is gone. */
  signal?: AbortSignal;
}

/**
 * Client for the usage endpoints of the LLM Usage backend, one method per
 * endpoint.
 *
 * @public
 */
export interface LlmUsageApi {
  /** `GET /usage/overview` */
  getOverview(
    query?: UsageRangeQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<UsageOverviewResponse>;
  /** `GET /usage/projects` */
  getProjects(
    query?: ProjectListQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<ProjectListResponse>;
  /** `GET /usage/trends` */
  getTrends(
    query?: UsageTrendsQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<UsageTrendsResponse>;
  /** `GET /usage/projects/:projectId/stats` */
  getProjectStats(
    projectId: string,
    query?: UsageRangeQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<ProjectStatsResponse>;
  /** `GET /usage/projects/:projectId/trends` */
  getProjectTrends(
    projectId: string,
    query?: ProjectTrendsQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<ProjectTrendsResponse>;
  /** `GET /usage/projects/:projectId/models` */
  getProjectModels(
    projectId: string,
    query?: UsageRangeQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<ProjectModelsResponse>;
  /** `GET /usage/projects/:projectId/calls` */
  getProjectCalls(
    projectId: string,
    query?: CallListQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<CallListResponse>;
  /** `GET /costs/daily`: cost per day, e.g. for Cost Insights. */
  getDailyCosts(
    query?: DailyCostsQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<DailyCostsResponse>;
  /** `GET /info`: whether demo data is served, and the rollup watermark. */
  getInfo(options?: LlmUsageRequestOptions): Promise<LlmUsageInfoResponse>;
  /** `GET /usage/projects/export`: the whole filtered, sorted project list as a file. */
  exportProjects(
    query: Omit<ProjectListQuery, 'offset' | 'limit'>,
    format: UsageExportFormat,
  ): Promise<ExportedFile>;
  /** `GET /usage/projects/:projectId/calls/export`: every call matching the filters as a file. */
  exportProjectCalls(
    projectId: string,
    query: Omit<CallListQuery, 'limit' | 'cursor'>,
    format: UsageExportFormat,
  ): Promise<ExportedFile>;

  // Budgets, quota, balance history, digests and the activity log.

  /** `GET /audit-events` */
  listAuditEvents(
    query?: AuditEventListQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<AuditEventListResponse>;

  /** `GET /usage/quota`: the caller's budgets and balances, or an entity's. */
  getQuota(
    query?: { entityRef?: string },
    options?: LlmUsageRequestOptions,
  ): Promise<QuotaResponse>;
  /** `GET /accounts/:id/balance-history` */
  getBalanceHistory(
    accountId: string,
    options?: LlmUsageRequestOptions,
  ): Promise<BalanceHistoryResponse>;
  /** `GET /budgets` */
  listBudgets(options?: LlmUsageRequestOptions): Promise<BudgetListResponse>;
  /** `POST /budgets` */
  createBudget(request: CreateBudgetRequest): Promise<Budget>;
  /** `PATCH /budgets/:id` */
  updateBudget(id: string, patch: UpdateBudgetRequest): Promise<Budget>;
  /** `DELETE /budgets/:id` */
  deleteBudget(id: string): Promise<void>;
  /** `GET /digests/preferences`: the caller's and their groups' digests. */
  getDigestPreferences(
    options?: LlmUsageRequestOptions,
  ): Promise<DigestPreferencesResponse>;
  /** `PUT /digests/preferences` */
  updateDigestPreferences(
    request: UpdateDigestPreferencesRequest,
  ): Promise<DigestPreferences>;
  /** `GET /audit-events/export`: the filtered activity as a file. */
  exportAuditEvents(
    query: Omit<AuditEventListQuery, 'limit' | 'cursor'>,
    format: UsageExportFormat,
  ): Promise<ExportedFile>;
  /** `GET /alerts`: the alerts on what the viewer owns (all for admins). */
  listAlerts(
    query?: AlertListQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<AlertListResponse>;
  /** `GET /alerts/:id` */
  getAlert(id: string, options?: LlmUsageRequestOptions): Promise<Alert>;
  /** `GET /alerts/unread-count`: open alerts the viewer has not read. */
  getUnreadAlertCount(
    options?: LlmUsageRequestOptions,
  ): Promise<AlertUnreadCountResponse>;
  /** `POST /alerts/read` */
  markAlertsRead(ids: string[]): Promise<MarkAlertsReadResponse>;
  /** `POST /alerts/read-all`: every open alert the viewer sees. */
  markAllAlertsRead(): Promise<MarkAlertsReadResponse>;
  /** `GET /alert-rules`: global rules (saved or default) and overrides. */
  listAlertRules(
    options?: LlmUsageRequestOptions,
  ): Promise<AlertRuleListResponse>;
  /** `PUT /alert-rules`: creates or replaces the rule of a type and scope. */
  saveAlertRule(rule: AlertRuleInput): Promise<AlertRule>;
  /** `DELETE /alert-rules/:id`: the next broader rule applies again. */
  deleteAlertRule(id: string): Promise<void>;
}

/** Formats of the usage exports. @public */
export type UsageExportFormat = 'csv' | 'xlsx';

/** A file the backend produced, ready to hand to the browser. @public */
export interface ExportedFile {
  blob: Blob;
  filename: string;
}

/**
 * @public
 */
export const llmUsageApiRef = createApiRef<LlmUsageApi>().with({
  id: 'plugin.llm-usage.service',
  pluginId: 'llm-usage',
});
