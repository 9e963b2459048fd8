import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  AlertListQuery,
  AlertRuleInput,
  AuditEventListQuery,
  CallListQuery,
  CreateBudgetRequest,
  CreateProviderAccountRequest,
  CreateTagRequest,
  DailyCostsQuery,
  GroupProjectsQuery,
  GroupSpendQuery,
  CreateProviderKeyRequest,
  ImportKeysRequest,
  KeyBatchRequest,
  ReconciliationQuery,
  RotateKeyRequest,
  KeyListQuery,
  ProjectListQuery,
  ProjectTrendsQuery,
  RegisterKeyRequest,
  SyncRunListQuery,
  UpdateBudgetRequest,
  UpdateDigestPreferencesRequest,
  UpdateKeyRequest,
  UpdateProviderAccountRequest,
  PriceEntryInput,
  RepriceRequest,
  UpdateTagRequest,
  UsageRangeQuery,
  UsageTrendsQuery,
  UsageOverviewQuery,
  EntityUsageQuery,
  ProviderBreakdownQuery,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DefaultApiClient, type TypedResponse } from '../generated';
import type {
  ExportedFile,
  LlmUsageApi,
  LlmUsageRequestOptions,
  UsageExportFormat,
} from './LlmUsageApi';

/**
 * Talks to the LLM Usage backend through the app's discovery and fetch APIs,
 * so the user's Backstage token and any configured base URL apply.
 *
 * Requests are built by the client generated from the backend's OpenAPI spec
 * (`src/generated`); this class only keeps the method names the pages use and
 * turns responses into values, files or a `ResponseError`.
 *
 * @public
 */
export class LlmUsageClient implements LlmUsageApi {
  private readonly api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new DefaultApiClient(options);
  }

  getOverview(
    query: UsageOverviewQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(this.api.getOverview({ query }, options));
  }

  getProviderBreakdown(
    query: ProviderBreakdownQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(this.api.getProviderBreakdown({ query }, options));
  }

  getEntityUsage(
    entityRef: string,
    query: EntityUsageQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return json(
      this.api.getEntityUsage(
        {
          path: {
            kind: kind.toLocaleLowerCase('en-US') as 'component' | 'group',
            namespace,
            name,
          },
          query,
        },
        options,
      ),
    );
  }

  getProjects(query: ProjectListQuery = {}, options?: LlmUsageRequestOptions) {
    return json(this.api.getProjects({ query }, options));
  }

  getTrends(query: UsageTrendsQuery = {}, options?: LlmUsageRequestOptions) {
    return json(this.api.getTrends({ query }, options));
  }

  getProjectStats(
    projectId: string,
    query: UsageRangeQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(
      this.api.getProjectStats({ path: { projectId }, query }, options),
    );
  }

  getProjectSlo(projectId: string, options?: LlmUsageRequestOptions) {
    return json(this.api.getProjectSlo({ path: { projectId } }, options));
  }

  getProjectTrends(
    projectId: string,
    query: ProjectTrendsQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(
      this.api.getProjectTrends({ path: { projectId }, query }, options),
    );
  }

  getProjectModels(
    projectId: string,
    query: UsageRangeQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(
      this.api.getProjectModels({ path: { projectId }, query }, options),
    );
  }

  getProjectCalls(
    projectId: string,
    query: CallListQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(
      this.api.getProjectCalls({ path: { projectId }, query }, options),
    );
  }

  getGroupProjects(
    groupRef: string,
    query: GroupProjectsQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(
      this.api.getGroupProjects({ path: groupPath(groupRef), query }, options),
    );
  }

  getGroupSpend(
    groupRef: string,
    query: GroupSpendQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(
      this.api.getGroupSpend({ path: groupPath(groupRef), query }, options),
    );
  }

  getDailyCosts(query: DailyCostsQuery = {}, options?: LlmUsageRequestOptions) {
    return json(this.api.getDailyCosts({ query }, options));
  }

  getInfo(options?: LlmUsageRequestOptions) {
    return json(this.api.getInfo({}, options));
  }

  exportProjects(
    query: Omit<ProjectListQuery, 'offset' | 'limit' | 'source'>,
    format: UsageExportFormat,
  ) {
    return file(
      this.api.exportProjects({ query: { ...query, format } }),
      `llm-usage-projects.${format}`,
    );
  }

  exportProjectCalls(
    projectId: string,
    query: Omit<CallListQuery, 'limit' | 'cursor'>,
    format: UsageExportFormat,
  ) {
    return file(
      this.api.exportProjectCalls({
        path: { projectId },
        query: { ...query, format },
      }),
      `llm-usage-calls.${format}`,
    );
  }

  listKeys(query: KeyListQuery = {}, options?: LlmUsageRequestOptions) {
    return json(this.api.listKeys({ query: keyListQuery(query) }, options));
  }

  getKey(id: string, options?: LlmUsageRequestOptions) {
    return json(this.api.getKey({ path: { id } }, options));
  }

  updateKey(id: string, patch: UpdateKeyRequest) {
    return json(this.api.updateKey({ path: { id }, body: patch }));
  }

  registerKey(request: RegisterKeyRequest) {
    return json(this.api.registerKey({ body: request }));
  }

  importKeys(request: ImportKeysRequest) {
    return json(this.api.importKeys({ body: request }));
  }

  createProviderKey(request: CreateProviderKeyRequest) {
    return json(this.api.createProviderKey({ body: request }));
  }

  batchKeys(request: KeyBatchRequest) {
    return json(this.api.batchKeys({ body: request }));
  }

  disableKey(id: string) {
    return json(this.api.disableKey({ path: { id } }));
  }

  getKeyRotation(id: string, options?: LlmUsageRequestOptions) {
    return json(this.api.getKeyRotation({ path: { id } }, options));
  }

  setKeyRotationPolicy(id: string, maxAgeDays: number | null) {
    return json(
      this.api.setKeyRotationPolicy({ path: { id }, body: { maxAgeDays } }),
    );
  }

  rotateKey(id: string, request: RotateKeyRequest) {
    return json(this.api.rotateKey({ path: { id }, body: request }));
  }

  exportKeys(
    query: KeyListQuery & { ids?: string[] },
    format: UsageExportFormat,
  ): Promise<ExportedFile> {
    return file(
      this.api.exportKeys({
        query: { ...keyListQuery(query), ids: query.ids, format },
      }),
      `llm-usage-keys.${format}`,
    );
  }

  listTags(options?: LlmUsageRequestOptions) {
    return json(this.api.listTags({}, options));
  }

  createTag(request: CreateTagRequest) {
    return json(this.api.createTag({ body: request }));
  }

  updateTag(id: string, patch: UpdateTagRequest) {
    return json(this.api.updateTag({ path: { id }, body: patch }));
  }

  deleteTag(id: string) {
    return empty(this.api.deleteTag({ path: { id } }));
  }

  listPrices(options?: LlmUsageRequestOptions) {
    return json(this.api.listPrices({}, options));
  }

  createPrice(input: PriceEntryInput) {
    return json(this.api.createPrice({ body: input }));
  }

  updatePrice(id: string, patch: Partial<PriceEntryInput>) {
    return json(this.api.updatePrice({ path: { id }, body: patch }));
  }

  deletePrice(id: string) {
    return empty(this.api.deletePrice({ path: { id } }));
  }

  repriceCalls(request: RepriceRequest) {
    return json(this.api.repriceCalls({ body: request }));
  }

  listProviders(options?: LlmUsageRequestOptions) {
    return json(this.api.listProviders({}, options));
  }

  listAccounts(options?: LlmUsageRequestOptions) {
    return json(this.api.listAccounts({}, options));
  }

  createAccount(request: CreateProviderAccountRequest) {
    return json(this.api.createAccount({ body: request }));
  }

  updateAccount(id: string, patch: UpdateProviderAccountRequest) {
    return json(this.api.updateAccount({ path: { id }, body: patch }));
  }

  deleteAccount(id: string) {
    return empty(this.api.deleteAccount({ path: { id } }));
  }

  getReconciliation(
    query: ReconciliationQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(this.api.getReconciliation({ query }, options));
  }

  getReconciliationKeys(
    query: { accountId: string; date: string },
    options?: LlmUsageRequestOptions,
  ) {
    return json(this.api.getReconciliationKeys({ query }, options));
  }

  exportReconciliation(query: ReconciliationQuery, format: UsageExportFormat) {
    return file(
      this.api.exportReconciliation({ query: { ...query, format } }),
      `llm-usage-reconciliation.${format}`,
    );
  }

  testAccount(id: string) {
    return json(this.api.testAccount({ path: { id } }));
  }

  syncAccount(id: string) {
    return json(this.api.syncAccount({ path: { id } }));
  }

  listSyncRuns(query: SyncRunListQuery = {}, options?: LlmUsageRequestOptions) {
    return json(this.api.listSyncRuns({ query }, options));
  }

  getKeyUsage(
    id: string,
    query: { from: string; to: string },
    options?: LlmUsageRequestOptions,
  ) {
    return json(this.api.getKeyUsage({ path: { id }, query }, options));
  }

  listAuditEvents(
    query: AuditEventListQuery = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(this.api.listAuditEvents({ query }, options));
  }

  getQuota(
    query: { entityRef?: string } = {},
    options?: LlmUsageRequestOptions,
  ) {
    return json(this.api.getQuota({ query }, options));
  }

  getBalanceHistory(accountId: string, options?: LlmUsageRequestOptions) {
    return json(
      this.api.getBalanceHistory({ path: { id: accountId } }, options),
    );
  }

  listBudgets(options?: LlmUsageRequestOptions) {
    return json(this.api.listBudgets({}, options));
  }

  createBudget(request: CreateBudgetRequest) {
    return json(this.api.createBudget({ body: request }));
  }

  updateBudget(id: string, patch: UpdateBudgetRequest) {
    return json(this.api.updateBudget({ path: { id }, body: patch }));
  }

  deleteBudget(id: string) {
    return empty(this.api.deleteBudget({ path: { id } }));
  }

  getDigestPreferences(options?: LlmUsageRequestOptions) {
    return json(this.api.getDigestPreferences({}, options));
  }

  updateDigestPreferences(request: UpdateDigestPreferencesRequest) {
    return json(this.api.updateDigestPreferences({ body: request }));
  }

  updateLanguagePreference(language: string) {
    return json(
      this.api.updateLanguagePreference({
        // The spec's enum; the server answers 400 for another code.
        body: { language: language as 'en' },
      }),
    );
  }

  exportAuditEvents(
    query: Omit<AuditEventListQuery, 'limit' | 'cursor'>,
    format: UsageExportFormat,
  ) {
    return file(
      this.api.exportAuditEvents({ query: { ...query, format } }),
      `llm-usage-activity.${format}`,
    );
  }

  listAlerts(query: AlertListQuery = {}, options?: LlmUsageRequestOptions) {
    // `unread=false` would mean the same as leaving it out.
    return json(
      this.api.listAlerts(
        { query: { ...query, unread: query.unread || undefined } },
        options,
      ),
    );
  }

  getAlert(id: string, options?: LlmUsageRequestOptions) {
    return json(this.api.getAlert({ path: { id } }, options));
  }

  getUnreadAlertCount(options?: LlmUsageRequestOptions) {
    return json(this.api.getUnreadAlertCount({}, options));
  }

  markAlertsRead(ids: string[]) {
    return json(this.api.markAlertsRead({ body: { ids } }));
  }

  markAllAlertsRead() {
    return json(this.api.markAllAlertsRead());
  }

  listAlertRules(options?: LlmUsageRequestOptions) {
    return json(this.api.listAlertRules({}, options));
  }

  saveAlertRule(rule: AlertRuleInput) {
    return json(this.api.saveAlertRule({ body: rule }));
  }

  deleteAlertRule(id: string) {
    return empty(this.api.deleteAlertRule({ path: { id } }));
  }
}

/** A Group's path parameters from its entity ref (`group:` by default). */
function groupPath(groupRef: string) {
  const { namespace, name } = parseEntityRef(groupRef, {
    defaultKind: 'group',
  });
  return { namespace, name };
}

/** `orphaned=false` would mean the same as leaving it out. */
function keyListQuery(query: KeyListQuery) {
  return { ...query, orphaned: query.orphaned || undefined };
}

async function json<T>(pending: Promise<TypedResponse<T>>): Promise<T> {
  const response = await pending;
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
  return await response.json();
}

/** A response without a body (204). */
async function empty(pending: Promise<TypedResponse<void>>): Promise<void> {
  const response = await pending;
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
}

/** A file download; the name comes from the server's Content-Disposition. */
async function file(
  pending: Promise<Response>,
  fallbackName: string,
): Promise<ExportedFile> {
  const response = await pending;
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return {
    blob: await response.blob(),
    filename:
      filenameFrom(response.headers.get('Content-Disposition')) ?? fallbackName,
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
