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
  ApiKey,
  AuditEventListQuery,
  AuditEventListResponse,
  BalanceHistoryResponse,
  Budget,
  BudgetListResponse,
  CreateBudgetRequest,
  DigestPreferences,
  DigestPreferencesResponse,
  QuotaResponse,
  UpdateBudgetRequest,
  UpdateDigestPreferencesRequest,
  CreateProviderAccountRequest,
  CreateTagRequest,
  CreateProviderKeyRequest,
  CreateProviderKeyResponse,
  ImportKeysRequest,
  ImportKeysResponse,
  ReconciliationKeysResponse,
  ReconciliationQuery,
  ReconciliationResponse,
  KeyBatchRequest,
  KeyBatchResponse,
  KeyRotationState,
  RotateKeyRequest,
  RotateKeyResponse,
  KeyListQuery,
  KeyListResponse,
  KeyTag,
  RegisterKeyRequest,
  ListProviderAccountsResponse,
  ListProvidersResponse,
  ListPricesResponse,
  ListTagsResponse,
  ProviderAccountSummary,
  SyncNowResponse,
  SyncRunListQuery,
  SyncRunListResponse,
  TestConnectionResponse,
  UpdateKeyRequest,
  UpdateProviderAccountRequest,
  PriceEntry,
  PriceEntryInput,
  RepriceRequest,
  RepriceResponse,
  UpdateTagRequest,
  CallListQuery,
  CallListResponse,
  DailyCostsQuery,
  DailyCostsResponse,
  CostAmount,
  LlmUsageInfoResponse,
  GroupProjectsQuery,
  GroupProjectsResponse,
  GroupSpendQuery,
  GroupSpendResponse,
  ProjectListQuery,
  ProjectListResponse,
  ProjectModelsResponse,
  ProjectStatsResponse,
  ProjectTrendsQuery,
  ProjectTrendsResponse,
  SloReportResponse,
  UsageOverviewQuery,
  UsageOverviewResponse,
  EntityUsageQuery,
  EntityUsageResponse,
  ProviderBreakdownQuery,
  ProviderUsageBreakdownResponse,
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
    query?: UsageOverviewQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<UsageOverviewResponse>;
  /** `GET /usage/provider/breakdown`: provider-reported usage per account, key, model or provider. */
  getProviderBreakdown(
    query?: ProviderBreakdownQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<ProviderUsageBreakdownResponse>;
  /** `GET /entities/:kind/:namespace/:name/usage`: a Component's or Group's usage. */
  getEntityUsage(
    entityRef: string,
    query?: EntityUsageQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<EntityUsageResponse>;
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
  /** `GET /slo/projects/:projectId`: the project's SLOs and how they stand. */
  getProjectSlo(
    projectId: string,
    options?: LlmUsageRequestOptions,
  ): Promise<SloReportResponse>;
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
  /**
   * `GET /groups/:namespace/:name/projects`: the usage of the projects a
   * Group's Components declare, filtered and paged on the server.
   */
  getGroupProjects(
    groupRef: string,
    query?: GroupProjectsQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<GroupProjectsResponse>;
  /**
   * `GET /groups/:namespace/:name/spend`: month-to-date spend per member, over
   * every key of theirs the caller may read.
   */
  getGroupSpend(
    groupRef: string,
    query?: GroupSpendQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<GroupSpendResponse>;
  /** `GET /costs/daily`: cost per day, e.g. for Cost Insights. */
  getDailyCosts(
    query?: DailyCostsQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<DailyCostsResponse>;
  /** `GET /info`: whether demo data is served, and the rollup watermark. */
  getInfo(options?: LlmUsageRequestOptions): Promise<LlmUsageInfoResponse>;
  /** `GET /usage/projects/export`: the whole filtered, sorted project list as a file. */
  exportProjects(
    query: Omit<ProjectListQuery, 'offset' | 'limit' | 'source'>,
    format: UsageExportFormat,
  ): Promise<ExportedFile>;
  /** `GET /usage/projects/:projectId/calls/export`: every call matching the filters as a file. */
  exportProjectCalls(
    projectId: string,
    query: Omit<CallListQuery, 'limit' | 'cursor'>,
    format: UsageExportFormat,
  ): Promise<ExportedFile>;

  // Key inventory, tags and provider accounts (API Keys and Settings pages).

  /** `GET /keys` */
  listKeys(
    query?: KeyListQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<KeyListResponse>;
  /** `GET /keys/:id` */
  getKey(id: string, options?: LlmUsageRequestOptions): Promise<ApiKey>;
  /** `PATCH /keys/:id` */
  updateKey(id: string, patch: UpdateKeyRequest): Promise<ApiKey>;
  /** `POST /keys`: register a key by hand (providers without a key listing). */
  registerKey(request: RegisterKeyRequest): Promise<ApiKey>;
  /** `POST /keys/import`: rows from CSV or JSON, checked only with `dryRun`. */
  importKeys(request: ImportKeysRequest): Promise<ImportKeysResponse>;
  /** `POST /keys/provider`: creates a key at the provider; the secret comes once. */
  createProviderKey(
    request: CreateProviderKeyRequest,
  ): Promise<CreateProviderKeyResponse>;
  /** `POST /keys/batch`: one result per key, failures included. */
  batchKeys(request: KeyBatchRequest): Promise<KeyBatchResponse>;
  /** `POST /keys/:id/disable`: at the provider too, where it can be. */
  disableKey(id: string): Promise<{ key: ApiKey; localOnly: boolean }>;
  /** `GET /keys/:id/rotation` */
  getKeyRotation(
    id: string,
    options?: LlmUsageRequestOptions,
  ): Promise<KeyRotationState>;
  /** `PUT /keys/:id/rotation`: null removes the policy. */
  setKeyRotationPolicy(
    id: string,
    maxAgeDays: number | null,
  ): Promise<KeyRotationState>;
  /** `POST /keys/:id/rotate`: the new key's secret is in the answer, once. */
  rotateKey(id: string, request: RotateKeyRequest): Promise<RotateKeyResponse>;
  /** `GET /keys/export`: the filtered list as a file. */
  exportKeys(
    query: KeyListQuery & { ids?: string[] },
    format: UsageExportFormat,
  ): Promise<ExportedFile>;
  /** `GET /tags` */
  listTags(options?: LlmUsageRequestOptions): Promise<ListTagsResponse>;
  /** `POST /tags` */
  createTag(request: CreateTagRequest): Promise<KeyTag>;
  /** `PATCH /tags/:id` */
  updateTag(id: string, patch: UpdateTagRequest): Promise<KeyTag>;
  /** `DELETE /tags/:id` */
  deleteTag(id: string): Promise<void>;
  /** `GET /prices`: the price book, every origin. */
  listPrices(options?: LlmUsageRequestOptions): Promise<ListPricesResponse>;
  /** `POST /prices` (admin) */
  createPrice(input: PriceEntryInput): Promise<PriceEntry>;
  /** `PATCH /prices/:id` (admin; admin entries only) */
  updatePrice(id: string, patch: Partial<PriceEntryInput>): Promise<PriceEntry>;
  /** `DELETE /prices/:id` (admin; admin entries only) */
  deletePrice(id: string): Promise<void>;
  /** `POST /prices/reprice` (admin) */
  repriceCalls(request: RepriceRequest): Promise<RepriceResponse>;
  /** `GET /providers` */
  listProviders(
    options?: LlmUsageRequestOptions,
  ): Promise<ListProvidersResponse>;
  /** `GET /accounts` */
  listAccounts(
    options?: LlmUsageRequestOptions,
  ): Promise<ListProviderAccountsResponse>;
  /** `POST /accounts` */
  createAccount(
    request: CreateProviderAccountRequest,
  ): Promise<ProviderAccountSummary>;
  /** `PATCH /accounts/:id` */
  updateAccount(
    id: string,
    patch: UpdateProviderAccountRequest,
  ): Promise<ProviderAccountSummary>;
  /** `DELETE /accounts/:id`: the account and its keys leave the inventory. */
  deleteAccount(id: string): Promise<void>;
  /** `GET /reconciliation`: provider against recorded cost per account and day. */
  getReconciliation(
    query?: ReconciliationQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<ReconciliationResponse>;
  /** `GET /reconciliation/keys`: the keys behind one day of one account. */
  getReconciliationKeys(
    query: { accountId: string; date: string },
    options?: LlmUsageRequestOptions,
  ): Promise<ReconciliationKeysResponse>;
  /** `GET /reconciliation/export`: the reconciliation per account and day as a file. */
  exportReconciliation(
    query: ReconciliationQuery,
    format: UsageExportFormat,
  ): Promise<ExportedFile>;
  /** `POST /accounts/:id/test` */
  testAccount(id: string): Promise<TestConnectionResponse>;
  /** `POST /accounts/:id/sync` */
  syncAccount(id: string): Promise<SyncNowResponse>;
  /** `GET /sync-runs` */
  listSyncRuns(
    query?: SyncRunListQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<SyncRunListResponse>;
  /** `GET /keys/:id/usage`: the provider's daily usage of one key. */
  getKeyUsage(
    id: string,
    query: { from: string; to: string },
    options?: LlmUsageRequestOptions,
  ): Promise<KeyUsageResponse>;
  /** `GET /audit-events` */
  listAuditEvents(
    query?: AuditEventListQuery,
    options?: LlmUsageRequestOptions,
  ): Promise<AuditEventListResponse>;

  // Budgets, quota, balance history, digests and the activity export.

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
  /** `PUT /preferences/language`: the app language the caller reads texts sent to them in. */
  updateLanguagePreference(
    language: string,
  ): Promise<{ language: string | null; defaultLanguage: string }>;
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

/** One UTC day of a key's usage as its provider reports it. @public */
export interface KeyUsageDay {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  inputTokens: number;
  outputTokens: number;
  requests: number;
  /** One entry per currency. */
  cost: CostAmount[];
}

/** @public */
export interface KeyUsageResponse {
  keyId: string;
  days: KeyUsageDay[];
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
