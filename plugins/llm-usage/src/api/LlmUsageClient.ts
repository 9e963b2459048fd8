import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
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
  KeyBatchRequest,
  KeyBatchResponse,
  KeyListQuery,
  KeyListResponse,
  KeyTag,
  RegisterKeyRequest,
  ListProviderAccountsResponse,
  ListProvidersResponse,
  ListTagsResponse,
  ProviderAccountSummary,
  SyncNowResponse,
  SyncRunListQuery,
  SyncRunListResponse,
  TestConnectionResponse,
  UpdateKeyRequest,
  UpdateProviderAccountRequest,
  UpdateTagRequest,
  CallListQuery,
  CallListResponse,
  DailyCostsQuery,
  DailyCostsResponse,
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
  UsageOverviewResponse,
  UsageRangeQuery,
  UsageTrendsQuery,
  UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type {
  ExportedFile,
  KeyUsageResponse,
  LlmUsageApi,
  LlmUsageRequestOptions,
  UsageExportFormat,
} from './LlmUsageApi';

type QueryValue = string | number | undefined;

/**
 * Talks to the LLM Usage backend through the app's discovery and fetch APIs,
 * so the user's Backstage token and any configured base URL apply.
 *
 * @public
 */
export class LlmUsageClient implements LlmUsageApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getOverview(query: UsageRangeQuery = {}, options?: LlmUsageRequestOptions) {
    return this.get<UsageOverviewResponse>(
      '/usage/overview',
      { from: query.from, to: query.to },
      options,
    );
  }

  getProjects(query: ProjectListQuery = {}, options?: LlmUsageRequestOptions) {
    return this.get<ProjectListResponse>(
      '/usage/projects',
      {
        from: query.from,
        to: query.to,
        search: query.search,
        sort: query.sort,
        order: query.order,
        offset: query.offset,
        limit: query.limit,
      },
      options,
    );
  }

  getTrends(query: UsageTrendsQuery = {}, options?: LlmUsageRequestOptions) {
    return this.get<UsageTrendsResponse>(
      '/usage/trends',
      {
        from: query.from,
        to: query.to,
        interval: query.interval,
        tz: query.tz,
        split: query.split,
      },
      options,
    );
  }

  getProjectStats(
    projectId: string,
    query: UsageRangeQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<ProjectStatsResponse>(
      `${projectPath(projectId)}/stats`,
      { from: query.from, to: query.to },
      options,
    );
  }

  getProjectTrends(
    projectId: string,
    query: ProjectTrendsQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<ProjectTrendsResponse>(
      `${projectPath(projectId)}/trends`,
      {
        from: query.from,
        to: query.to,
        interval: query.interval,
        tz: query.tz,
      },
      options,
    );
  }

  getProjectModels(
    projectId: string,
    query: UsageRangeQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<ProjectModelsResponse>(
      `${projectPath(projectId)}/models`,
      { from: query.from, to: query.to },
      options,
    );
  }

  getProjectCalls(
    projectId: string,
    query: CallListQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<CallListResponse>(
      `${projectPath(projectId)}/calls`,
      {
        from: query.from,
        to: query.to,
        model: query.model,
        status: query.status,
        type: query.type,
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        cursor: query.cursor,
      },
      options,
    );
  }

  getInfo(options?: LlmUsageRequestOptions) {
    return this.get<LlmUsageInfoResponse>('/info', {}, options);
  }

  exportProjects(
    query: Omit<ProjectListQuery, 'offset' | 'limit'>,
    format: UsageExportFormat,
  ) {
    return this.download(
      '/usage/projects/export',
      {
        from: query.from,
        to: query.to,
        search: query.search,
        sort: query.sort,
        order: query.order,
        format,
      },
      `llm-usage-projects.${format}`,
    );
  }

  exportProjectCalls(
    projectId: string,
    query: Omit<CallListQuery, 'limit' | 'cursor'>,
    format: UsageExportFormat,
  ) {
    return this.download(
      `${projectPath(projectId)}/calls/export`,
      {
        from: query.from,
        to: query.to,
        model: query.model,
        status: query.status,
        type: query.type,
        sort: query.sort,
        order: query.order,
        format,
      },
      `llm-usage-calls.${format}`,
    );
  }

  listKeys(query: KeyListQuery = {}, options?: LlmUsageRequestOptions) {
    return this.get<KeyListResponse>('/keys', keyListParams(query), options);
  }

  getKey(id: string, options?: LlmUsageRequestOptions) {
    return this.get<ApiKey>(`/keys/${encodeURIComponent(id)}`, {}, options);
  }

  updateKey(id: string, patch: UpdateKeyRequest) {
    return this.send<ApiKey>('PATCH', `/keys/${encodeURIComponent(id)}`, patch);
  }

  registerKey(request: RegisterKeyRequest) {
    return this.send<ApiKey>('POST', '/keys', request);
  }

  batchKeys(request: KeyBatchRequest) {
    return this.send<KeyBatchResponse>('POST', '/keys/batch', request);
  }

  exportKeys(
    query: KeyListQuery & { ids?: string[] },
    format: UsageExportFormat,
  ): Promise<ExportedFile> {
    return this.download(
      '/keys/export',
      { ...keyListParams(query), ids: query.ids?.join(','), format },
      `llm-usage-keys.${format}`,
    );
  }

  listTags(options?: LlmUsageRequestOptions) {
    return this.get<ListTagsResponse>('/tags', {}, options);
  }

  createTag(request: CreateTagRequest) {
    return this.send<KeyTag>('POST', '/tags', request);
  }

  updateTag(id: string, patch: UpdateTagRequest) {
    return this.send<KeyTag>('PATCH', `/tags/${encodeURIComponent(id)}`, patch);
  }

  async deleteTag(id: string) {
    await this.send<unknown>('DELETE', `/tags/${encodeURIComponent(id)}`);
  }

  listProviders(options?: LlmUsageRequestOptions) {
    return this.get<ListProvidersResponse>('/providers', {}, options);
  }

  listAccounts(options?: LlmUsageRequestOptions) {
    return this.get<ListProviderAccountsResponse>('/accounts', {}, options);
  }

  createAccount(request: CreateProviderAccountRequest) {
    return this.send<ProviderAccountSummary>('POST', '/accounts', request);
  }

  updateAccount(id: string, patch: UpdateProviderAccountRequest) {
    return this.send<ProviderAccountSummary>(
      'PATCH',
      `/accounts/${encodeURIComponent(id)}`,
      patch,
    );
  }

  testAccount(id: string) {
    return this.send<TestConnectionResponse>(
      'POST',
      `/accounts/${encodeURIComponent(id)}/test`,
    );
  }

  syncAccount(id: string) {
    return this.send<SyncNowResponse>(
      'POST',
      `/accounts/${encodeURIComponent(id)}/sync`,
    );
  }

  listSyncRuns(query: SyncRunListQuery = {}, options?: LlmUsageRequestOptions) {
    return this.get<SyncRunListResponse>(
      '/sync-runs',
      {
        accountId: query.accountId,
        status: query.status,
        trigger: query.trigger,
        from: query.from,
        to: query.to,
        limit: query.limit,
        cursor: query.cursor,
      },
      options,
    );
  }

  getKeyUsage(
    id: string,
    query: { from: string; to: string },
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<KeyUsageResponse>(
      `/keys/${encodeURIComponent(id)}/usage`,
      { from: query.from, to: query.to },
      options,
    );
  }

  listAuditEvents(
    query: AuditEventListQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<AuditEventListResponse>(
      '/audit-events',
      {
        targetType: query.targetType,
        targetId: query.targetId,
        actorRef: query.actorRef,
        action: query.action,
        from: query.from,
        to: query.to,
        limit: query.limit,
        cursor: query.cursor,
      },
      options,
    );
  }

  getQuota(
    query: { entityRef?: string } = {},
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<QuotaResponse>(
      '/usage/quota',
      { entityRef: query.entityRef },
      options,
    );
  }

  getBalanceHistory(accountId: string, options?: LlmUsageRequestOptions) {
    return this.get<BalanceHistoryResponse>(
      `/accounts/${encodeURIComponent(accountId)}/balance-history`,
      {},
      options,
    );
  }

  listBudgets(options?: LlmUsageRequestOptions) {
    return this.get<BudgetListResponse>('/budgets', {}, options);
  }

  createBudget(request: CreateBudgetRequest) {
    return this.send<Budget>('POST', '/budgets', request);
  }

  updateBudget(id: string, patch: UpdateBudgetRequest) {
    return this.send<Budget>(
      'PATCH',
      `/budgets/${encodeURIComponent(id)}`,
      patch,
    );
  }

  async deleteBudget(id: string) {
    await this.send<unknown>('DELETE', `/budgets/${encodeURIComponent(id)}`);
  }

  getDigestPreferences(options?: LlmUsageRequestOptions) {
    return this.get<DigestPreferencesResponse>(
      '/digests/preferences',
      {},
      options,
    );
  }

  updateDigestPreferences(request: UpdateDigestPreferencesRequest) {
    return this.send<DigestPreferences>('PUT', '/digests/preferences', request);
  }

  exportAuditEvents(
    query: Omit<AuditEventListQuery, 'limit' | 'cursor'>,
    format: UsageExportFormat,
  ) {
    return this.download(
      '/audit-events/export',
      {
        targetType: query.targetType,
        targetId: query.targetId,
        actorRef: query.actorRef,
        action: query.action,
        from: query.from,
        to: query.to,
        format,
      },
      `llm-usage-activity.${format}`,
    );
  }

  listAlerts(query: AlertListQuery = {}, options?: LlmUsageRequestOptions) {
    return this.get<AlertListResponse>(
      '/alerts',
      {
        severity: query.severity,
        type: query.type,
        state: query.state,
        unread: query.unread ? 'true' : undefined,
        limit: query.limit,
        cursor: query.cursor,
      },
      options,
    );
  }

  getAlert(id: string, options?: LlmUsageRequestOptions) {
    return this.get<Alert>(`/alerts/${encodeURIComponent(id)}`, {}, options);
  }

  getUnreadAlertCount(options?: LlmUsageRequestOptions) {
    return this.get<AlertUnreadCountResponse>(
      '/alerts/unread-count',
      {},
      options,
    );
  }

  markAlertsRead(ids: string[]) {
    return this.send<MarkAlertsReadResponse>('POST', '/alerts/read', { ids });
  }

  markAllAlertsRead() {
    return this.send<MarkAlertsReadResponse>('POST', '/alerts/read-all', {});
  }

  listAlertRules(options?: LlmUsageRequestOptions) {
    return this.get<AlertRuleListResponse>('/alert-rules', {}, options);
  }

  saveAlertRule(rule: AlertRuleInput) {
    return this.send<AlertRule>('PUT', '/alert-rules', rule);
  }

  async deleteAlertRule(id: string) {
    await this.send<unknown>(
      'DELETE',
      `/alert-rules/${encodeURIComponent(id)}`,
    );
  }

  /** A JSON request with a body; the response body may be empty (204). */
  private async send<T>(
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await this.fetchApi.fetch(await this.url(path, {}), {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A file download; the name comes from the server's Content-Disposition. */
  private async download(
    path: string,
    query: Record<string, QueryValue>,
    fallbackName: string,
  ): Promise<ExportedFile> {
    const response = await this.fetchApi.fetch(await this.url(path, query));
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return {
      blob: await response.blob(),
      filename:
        filenameFrom(response.headers.get('Content-Disposition')) ??
        fallbackName,
    };
  }

  private async url(path: string, query: Record<string, QueryValue>) {
    const baseUrl = await this.discoveryApi.getBaseUrl('llm-usage');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    return `${baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  getGroupProjects(
    groupRef: string,
    query: GroupProjectsQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<GroupProjectsResponse>(
      `${groupPath(groupRef)}/projects`,
      {
        from: query.from,
        to: query.to,
        search: query.search,
        sort: query.sort,
        order: query.order,
        offset: query.offset,
        limit: query.limit,
      },
      options,
    );
  }

  getGroupSpend(
    groupRef: string,
    query: GroupSpendQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return this.get<GroupSpendResponse>(
      `${groupPath(groupRef)}/spend`,
      { offset: query.offset, limit: query.limit },
      options,
    );
  }

  getDailyCosts(query: DailyCostsQuery = {}, options?: LlmUsageRequestOptions) {
    return this.get<DailyCostsResponse>(
      '/costs/daily',
      {
        from: query.from,
        to: query.to,
        projectId: query.projectId,
        entityRef: query.entityRef,
        split: query.split,
        tz: query.tz,
      },
      options,
    );
  }

  private async get<T>(
    path: string,
    query: Record<string, QueryValue>,
    options?: LlmUsageRequestOptions,
  ): Promise<T> {
    const url = await this.url(path, query);
    const response = await this.fetchApi.fetch(url, {
      headers: { Accept: 'application/json' },
      signal: options?.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** A Group's path from its entity ref (`group:` by default). */
function groupPath(groupRef: string) {
  const { namespace, name } = parseEntityRef(groupRef, {
    defaultKind: 'group',
  });
  return `/groups/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

function projectPath(projectId: string) {
  return `/usage/projects/${encodeURIComponent(projectId)}`;
}

/** List filters go out comma separated, which the backend accepts. */
function keyListParams(query: KeyListQuery): Record<string, QueryValue> {
  const list = (values?: string[]) =>
    values && values.length > 0 ? values.join(',') : undefined;
  return {
    q: query.q,
    provider: list(query.provider),
    accountId: list(query.accountId),
    ownerRef: list(query.ownerRef),
    componentRef: query.componentRef,
    status: list(query.status),
    expiry: list(query.expiry),
    expiringWithinDays: query.expiringWithinDays,
    tag: list(query.tag),
    orphaned: query.orphaned ? 'true' : undefined,
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
    minMonthTokens: query.minMonthTokens,
    maxMonthTokens: query.maxMonthTokens,
    minMonthCost: query.minMonthCost,
    maxMonthCost: query.maxMonthCost,
    sort: query.sort,
    order: query.order,
    limit: query.limit,
    offset: query.offset,
  };
}

/** The file name a `Content-Disposition: attachment` header suggests. */
function filenameFrom(header: string | null): string | undefined {
  if (!header) {
    return undefined;
  }
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (encoded) {
    return decodeURIComponent(encoded[1]);
  }
  return /filename="?([^";]+)"?/i.exec(header)?.[1];
}
