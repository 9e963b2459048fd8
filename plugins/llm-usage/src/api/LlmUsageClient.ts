import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CallListQuery,
  CallListResponse,
  LlmUsageInfoResponse,
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

function projectPath(projectId: string) {
  return `/usage/projects/${encodeURIComponent(projectId)}`;
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
