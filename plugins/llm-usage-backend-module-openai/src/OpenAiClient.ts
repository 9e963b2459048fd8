import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  LlmProviderClient,
  ProviderAuthError,
  ProviderCostRecord,
  ProviderDateRange,
  ProviderHttpClient,
  ProviderHttpClientOptions,
  ProviderKey,
  ProviderNotSupportedError,
  ProviderResponseError,
  ProviderUsageRecord,
  dateRangeToSeconds,
  decimalFromNumber,
  isDayInRange,
  mergeCostRecords,
  mergeUsageRecords,
  paginate,
  utcDayOfSeconds,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { z } from 'zod';
import {
  adminApiKeyListSchema,
  completionsUsagePageSchema,
  costPageSchema,
  projectApiKeyDeletedSchema,
  projectApiKeyListSchema,
  projectListSchema,
} from './schemas';

/** @public */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** @public */
export interface OpenAiClientOptions
  extends Partial<
    Pick<
      ProviderHttpClientOptions,
      'fetch' | 'timeoutMs' | 'retry' | 'sleep' | 'random' | 'now'
    >
  > {
  adminKey: string;
  baseUrl?: string;
  logger: LoggerService;
}

// The list endpoints' maximum page size.
const LIST_LIMIT = 100;
// `limit` counts daily buckets: usage allows up to 31, costs up to 180.
const USAGE_BUCKET_LIMIT = 31;
const COST_BUCKET_LIMIT = 180;

type ListPage<T> = {
  data: T[];
  last_id?: string | null;
  has_more: boolean;
};

type BucketPage<TBucket> = {
  data: TBucket[];
  has_more: boolean;
  next_page?: string | null;
};

/**
 * The OpenAI Admin API for one organization, authenticated with an admin key.
 *
 * Keys: project keys of every active project plus the organization's admin
 * keys. Project keys can only be deleted; nothing can be created or disabled
 * through the API. Usage comes from `/organization/usage/completions`
 * (chat/completions traffic only) and money from `/organization/costs`.
 *
 * @public
 */
export class OpenAiClient implements LlmProviderClient {
  private readonly http: ProviderHttpClient;
  private readonly now: () => number;

  constructor(options: OpenAiClientOptions) {
    if (!options.adminKey) {
      throw new ProviderAuthError('OpenAI account has no admin API key');
    }
    this.http = new ProviderHttpClient({
      providerName: 'OpenAI',
      baseUrl: options.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      headers: { Authorization: `Bearer ${options.adminKey}` },
      logger: options.logger,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      sleep: options.sleep,
      random: options.random,
      now: options.now,
    });
    this.now = options.now ?? Date.now;
  }

  async testConnection(): Promise<void> {
    await this.http.request({
      path: '/organization/projects',
      query: { limit: 1 },
      schema: projectListSchema,
    });
  }

  async listKeys(): Promise<ProviderKey[]> {
    const keys: ProviderKey[] = [];
    for (const project of await this.listProjects()) {
      const projectKeys = await this.listProjectKeys(project.id);
      for (const key of projectKeys) {
        keys.push({
          providerKeyId: key.id,
          name: key.name ?? '',
          maskedHint: key.redacted_value ?? null,
          status:
            key.owner_project_access === 'inactive' ? 'disabled' : 'active',
          providerProjectId: project.id,
          createdAt: isoFromSeconds(key.created_at),
          lastUsedAt: isoFromSeconds(key.last_used_at),
          expiresAt: null,
          limit: null,
          usage: null,
        });
      }
    }
    for (const key of await this.listAdminKeys()) {
      const expired =
        typeof key.expires_at === 'number' &&
        key.expires_at * 1000 <= this.now();
      keys.push({
        providerKeyId: key.id,
        name: key.name ?? '',
        maskedHint: key.redacted_value ?? null,
        status: expired ? 'expired' : 'active',
        providerProjectId: null,
        createdAt: isoFromSeconds(key.created_at),
        lastUsedAt: isoFromSeconds(key.last_used_at),
        expiresAt: isoFromSeconds(key.expires_at),
        limit: null,
        usage: null,
      });
    }
    return keys;
  }

  /**
   * Deletes a project key. The API needs the key's project: the one it was
   * listed under when the caller knows it, else the projects are searched
   * for it. A key that
   * no longer exists counts as deleted; admin keys are refused, since the
   * account's own admin key could be among them.
   */
  async deleteKey(
    providerKeyId: string,
    key?: { providerProjectId: string | null },
  ): Promise<void> {
    if (key?.providerProjectId) {
      await this.deleteProjectKey(key.providerProjectId, providerKeyId);
      return;
    }
    for (const project of await this.listProjects()) {
      const projectKeys = await this.listProjectKeys(project.id);
      if (projectKeys.some(projectKey => projectKey.id === providerKeyId)) {
        await this.deleteProjectKey(project.id, providerKeyId);
        return;
      }
    }
    const adminKeys = await this.listAdminKeys();
    if (adminKeys.some(adminKey => adminKey.id === providerKeyId)) {
      throw new ProviderNotSupportedError(
        'OpenAI admin keys are not deleted from LLM Usage; use the OpenAI dashboard',
      );
    }
  }

  private async deleteProjectKey(projectId: string, providerKeyId: string) {
    const result = await this.http.request({
      method: 'DELETE',
      path: `/organization/projects/${encodeURIComponent(
        projectId,
      )}/api_keys/${encodeURIComponent(providerKeyId)}`,
      schema: projectApiKeyDeletedSchema,
    });
    if (!result.deleted) {
      throw new ProviderResponseError(
        `OpenAI did not delete key ${providerKeyId}`,
      );
    }
  }

  async fetchUsage(range: ProviderDateRange): Promise<ProviderUsageRecord[]> {
    const buckets = await this.fetchBuckets(
      'completions usage',
      '/organization/usage/completions',
      range,
      {
        group_by: ['model', 'project_id', 'api_key_id'],
        limit: USAGE_BUCKET_LIMIT,
      },
      completionsUsagePageSchema,
    );
    const records: ProviderUsageRecord[] = [];
    for (const bucket of buckets) {
      const date = utcDayOfSeconds(bucket.start_time);
      if (!isDayInRange(date, range)) {
        continue;
      }
      for (const result of bucket.results) {
        records.push({
          date,
          providerKeyId: result.api_key_id ?? '',
          model: result.model ?? '',
          providerProjectId: result.project_id ?? '',
          // OpenAI's input_tokens already include the cached ones.
          inputTokens: result.input_tokens ?? 0,
          outputTokens: result.output_tokens ?? 0,
          cachedTokens: result.input_cached_tokens ?? 0,
          requests: result.num_model_requests ?? null,
        });
      }
    }
    return mergeUsageRecords(records);
  }

  async fetchCosts(range: ProviderDateRange): Promise<ProviderCostRecord[]> {
    const buckets = await this.fetchBuckets(
      'costs',
      '/organization/costs',
      range,
      { group_by: ['project_id', 'line_item'], limit: COST_BUCKET_LIMIT },
      costPageSchema,
    );
    const records: ProviderCostRecord[] = [];
    for (const bucket of buckets) {
      const date = utcDayOfSeconds(bucket.start_time);
      if (!isDayInRange(date, range)) {
        continue;
      }
      for (const result of bucket.results) {
        records.push({
          date,
          providerKeyId: result.api_key_id ?? '',
          model: '',
          providerProjectId: result.project_id ?? '',
          lineItem: result.line_item ?? '',
          // A JSON number; see decimalFromNumber for why this is exact.
          amount: decimalFromNumber(result.amount.value),
          currency: result.amount.currency.toUpperCase(),
        });
      }
    }
    return mergeCostRecords(records);
  }

  private async listProjects() {
    return this.listAll(
      'projects',
      '/organization/projects',
      projectListSchema,
      {},
    );
  }

  private async listProjectKeys(projectId: string) {
    return this.listAll(
      `API keys of project ${projectId}`,
      `/organization/projects/${encodeURIComponent(projectId)}/api_keys`,
      projectApiKeyListSchema,
      {},
    );
  }

  private async listAdminKeys() {
    return this.listAll(
      'admin API keys',
      '/organization/admin_api_keys',
      adminApiKeyListSchema,
      { order: 'asc' },
    );
  }

  private async listAll<T extends { id: string }>(
    what: string,
    path: string,
    schema: z.ZodType<ListPage<T>, z.ZodTypeDef, unknown>,
    query: Record<string, string>,
  ): Promise<T[]> {
    return paginate<ListPage<T>, T, string>({
      description: `OpenAI ${what}`,
      fetchPage: after =>
        this.http.request({
          path,
          query: { ...query, limit: LIST_LIMIT, after },
          schema,
        }),
      getItems: page => page.data,
      getNextCursor: page => {
        if (!page.has_more) {
          return undefined;
        }
        const after = page.last_id ?? page.data[page.data.length - 1]?.id;
        if (!after) {
          throw new ProviderResponseError(
            `OpenAI ${what}: has_more without a cursor`,
          );
        }
        return after;
      },
    });
  }

  private async fetchBuckets<TBucket>(
    what: string,
    path: string,
    range: ProviderDateRange,
    query: Record<string, string | number | string[]>,
    schema: z.ZodType<BucketPage<TBucket>, z.ZodTypeDef, unknown>,
  ): Promise<TBucket[]> {
    const { startSeconds, endSeconds } = dateRangeToSeconds(range);
    return paginate<BucketPage<TBucket>, TBucket, string>({
      description: `OpenAI ${what}`,
      fetchPage: page =>
        this.http.request({
          path,
          query: {
            start_time: startSeconds,
            end_time: endSeconds,
            bucket_width: '1d',
            ...query,
            page,
          },
          schema,
        }),
      getItems: page => page.data,
      getNextCursor: page => {
        if (!page.has_more) {
          return undefined;
        }
        if (!page.next_page) {
          throw new ProviderResponseError(
            `OpenAI ${what}: has_more without next_page`,
          );
        }
        return page.next_page;
      },
    });
  }
}

function isoFromSeconds(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number'
    ? new Date(seconds * 1000).toISOString()
    : null;
}
