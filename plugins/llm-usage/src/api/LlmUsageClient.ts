import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  AlertListQuery,
  CallListQuery,
  KeyListQuery,
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
 * (`src/generated`); this class only maps the positional arguments of
 * {@link LlmUsageApi} onto the generated requests and turns responses into
 * values, files or a `ResponseError`. Most endpoints follow one of a few
 * argument patterns and are derived from it by name; the others are written
 * out below.
 *
 * @public
 */
export class LlmUsageClient implements LlmUsageApi {
  private readonly api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new DefaultApiClient(options);
  }

  // `(options)`: reads without parameters.
  getInfo = this.read('getInfo');
  listTags = this.read('listTags');
  listPrices = this.read('listPrices');
  listProviders = this.read('listProviders');
  listAccounts = this.read('listAccounts');
  listBudgets = this.read('listBudgets');
  getDigestPreferences = this.read('getDigestPreferences');
  getUnreadAlertCount = this.read('getUnreadAlertCount');
  listAlertRules = this.read('listAlertRules');

  // `(query, options)`: reads whose parameters are all in the query.
  getOverview = this.query('getOverview');
  getProviderBreakdown = this.query('getProviderBreakdown');
  getProjects = this.query('getProjects');
  getTrends = this.query('getTrends');
  getDailyCosts = this.query('getDailyCosts');
  getReconciliation = this.query('getReconciliation');
  getReconciliationKeys = this.query('getReconciliationKeys');
  listSyncRuns = this.query('listSyncRuns');
  listAuditEvents = this.query('listAuditEvents');
  getQuota = this.query('getQuota');

  // `(id, options)`: one item's state, or an action on it without a body.
  getKey = this.item('getKey', idPath);
  getKeyRotation = this.item('getKeyRotation', idPath);
  getAlert = this.item('getAlert', idPath);
  getBalanceHistory = this.item('getBalanceHistory', idPath);
  getProjectSlo = this.item('getProjectSlo', projectPath);
  disableKey = this.item('disableKey', idPath);
  testAccount = this.item('testAccount', idPath);
  syncAccount = this.item('syncAccount', idPath);

  // `(id, query, options)`: one item's usage or figures, by its id or ref.
  getProjectStats = this.itemQuery('getProjectStats', projectPath);
  getProjectTrends = this.itemQuery('getProjectTrends', projectPath);
  getProjectModels = this.itemQuery('getProjectModels', projectPath);
  getProjectCalls = this.itemQuery('getProjectCalls', projectPath);
  getKeyUsage = this.itemQuery('getKeyUsage', idPath);

  getGroupProjects = this.itemQuery('getGroupProjects', groupPath);
  getGroupSpend = this.itemQuery('getGroupSpend', groupPath);
  getEntityUsage = this.itemQuery('getEntityUsage', entityPath);

  // `(body)`: creates and other writes of a new body.
  registerKey = this.create('registerKey');
  importKeys = this.create('importKeys');
  createProviderKey = this.create('createProviderKey');
  batchKeys = this.create('batchKeys');
  createTag = this.create('createTag');
  createPrice = this.create('createPrice');
  repriceCalls = this.create('repriceCalls');
  createAccount = this.create('createAccount');
  createBudget = this.create('createBudget');
  updateDigestPreferences = this.create('updateDigestPreferences');
  saveAlertRule = this.create('saveAlertRule');

  // `(id, body)`: changes to one item.
  updateKey = this.update('updateKey', idPath);
  rotateKey = this.update('rotateKey', idPath);
  updateTag = this.update('updateTag', idPath);
  updatePrice = this.update('updatePrice', idPath);
  updateAccount = this.update('updateAccount', idPath);
  updateBudget = this.update('updateBudget', idPath);

  // `(query, format)`: a list as a file.
  exportProjects = this.download('exportProjects', 'llm-usage-projects');
  exportReconciliation = this.download(
    'exportReconciliation',
    'llm-usage-reconciliation',
  );
  exportAuditEvents = this.download('exportAuditEvents', 'llm-usage-activity');

  // `(id)`: deletes, answered with 204 and no body.
  deleteTag = this.remove('deleteTag', idPath);
  deletePrice = this.remove('deletePrice', idPath);
  deleteAccount = this.remove('deleteAccount', idPath);
  deleteBudget = this.remove('deleteBudget', idPath);
  deleteAlertRule = this.remove('deleteAlertRule', idPath);

  listKeys(query: KeyListQuery = {}, options?: LlmUsageRequestOptions) {
    return json(this.api.listKeys({ query: keyListQuery(query) }, options));
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

  setKeyRotationPolicy(id: string, maxAgeDays: number | null) {
    return json(
      this.api.setKeyRotationPolicy({ path: { id }, body: { maxAgeDays } }),
    );
  }

  updateLanguagePreference(language: string) {
    return json(
      this.api.updateLanguagePreference({
        // The spec's enum; the server answers 400 for another code.
        body: { language: language as 'en' },
      }),
    );
  }

  markAlertsRead(ids: string[]) {
    return json(this.api.markAlertsRead({ body: { ids } }));
  }

  markAllAlertsRead() {
    return json(this.api.markAllAlertsRead());
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

  // The argument patterns. Each returns the endpoint's method; the generated
  // client is read when the method is called, as these run before the
  // constructor body has set it. A pattern takes only the operations whose
  // request it can fill: no part missing, path parameters as `path` makes them.

  private read<K extends OperationTaking<never>>(operation: K) {
    return (options?: LlmUsageRequestOptions) =>
      json(this.send(operation, {}, options));
  }

  private query<K extends OperationTaking<'query'>>(operation: K) {
    return (query?: Query<K>, options?: LlmUsageRequestOptions) =>
      json(this.send(operation, { query }, options));
  }

  private item<K extends OperationTaking<'path'>>(
    operation: K,
    path: ToPath<K>,
  ) {
    return (id: string, options?: LlmUsageRequestOptions) =>
      json(this.send(operation, { path: path(id) }, options));
  }

  private itemQuery<K extends OperationTaking<'path' | 'query'>>(
    operation: K,
    path: ToPath<K>,
  ) {
    return (id: string, query?: Query<K>, options?: LlmUsageRequestOptions) =>
      json(this.send(operation, { path: path(id), query }, options));
  }

  private create<K extends OperationTaking<'body'>>(operation: K) {
    return (body: Body<K>) => json(this.send(operation, { body }));
  }

  private update<K extends OperationTaking<'path' | 'body'>>(
    operation: K,
    path: ToPath<K>,
  ) {
    return (id: string, body: Body<K>) =>
      json(this.send(operation, { path: path(id), body }));
  }

  private remove<K extends OperationTaking<'path'>>(
    operation: K,
    path: ToPath<K>,
  ) {
    return (id: string) => empty(this.send(operation, { path: path(id) }));
  }

  /** `fallbackName` is the file's name without extension when the server gives none. */
  private download<K extends OperationTaking<'query'>>(
    operation: K,
    fallbackName: string,
  ) {
    return (query: Omit<Query<K>, 'format'>, format: UsageExportFormat) =>
      file(
        this.send(operation, { query: { ...query, format } }),
        `${fallbackName}.${format}`,
      );
  }

  /** Calls an operation of the generated client with a request in its shape. */
  private send<K extends Operation>(
    operation: K,
    request: OperationRequest,
    options?: LlmUsageRequestOptions,
  ): Promise<TypedResponse<Result<K>>> {
    // Each operation types its own request; these are the parts they share.
    const call = this.api[operation] as (
      request: OperationRequest,
      options?: LlmUsageRequestOptions,
    ) => Promise<TypedResponse<Result<K>>>;
    return call.call(this.api, request, options);
  }
}

/** The generated client's operations, by their OpenAPI operation ids. */
type Operation = keyof DefaultApiClient;

/** The parts of a generated request: path parameters, query and body. */
interface OperationRequest {
  path?: unknown;
  query?: unknown;
  body?: unknown;
}

type RequestOf<K extends Operation> = NonNullable<
  Parameters<DefaultApiClient[K]>[0]
>;

/** The parts an operation's request cannot do without. */
type RequiredParts<K extends Operation> = {
  [P in keyof RequestOf<K>]-?: {} extends Pick<RequestOf<K>, P> ? never : P;
}[keyof RequestOf<K>];

/** The operations whose request has the parts `Given` and needs no other. */
type OperationTaking<Given extends keyof OperationRequest> = {
  [K in Operation]: Exclude<RequiredParts<K>, Given> extends never
    ? [Given] extends [keyof RequestOf<K>]
      ? K
      : never
    : never;
}[Operation];

/** An operation's path parameters from the id or ref its method takes first. */
type ToPath<K extends Operation> = (
  ref: string,
) => RequestOf<K> extends { path: infer P } ? P : never;
type Query<K extends Operation> = RequestOf<K> extends { query?: infer Q }
  ? Q
  : never;
type Body<K extends Operation> = RequestOf<K> extends { body: infer B }
  ? B
  : never;
type Result<K extends Operation> = Awaited<
  ReturnType<DefaultApiClient[K]>
> extends TypedResponse<infer T>
  ? T
  : never;

// The path parameters of an item, a project, a Component or Group, and a Group.

function idPath(id: string) {
  return { id };
}

function projectPath(projectId: string) {
  return { projectId };
}

/** A Component's or Group's path parameters from its entity ref. */
function entityPath(entityRef: string) {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  // The spec's kinds; the server answers 400 for another.
  const lowerKind = kind.toLocaleLowerCase('en-US') as 'component' | 'group';
  return { kind: lowerKind, namespace, name };
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
async function empty(pending: Promise<TypedResponse<unknown>>): Promise<void> {
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
