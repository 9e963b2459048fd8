import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  LlmProviderClient,
  ProviderAuthError,
  ProviderCostRecord,
  ProviderDateRange,
  ProviderHttpClient,
  ProviderHttpClientOptions,
  ProviderKey,
  ProviderKeyStatus,
  ProviderResponseError,
  ProviderUsageRecord,
  addDays,
  centsToUnits,
  dateRangeToSeconds,
  isDayInRange,
  mergeCostRecords,
  mergeUsageRecords,
  paginate,
  utcDayOfSeconds,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { z } from 'zod';
import {
  ApiKey,
  apiKeyListSchema,
  apiKeySchema,
  costPageSchema,
  messagesUsagePageSchema,
} from './schemas';

/** @public */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The Admin API version these schemas were written against. */
const ANTHROPIC_VERSION = '2023-06-01';

/** @public */
export interface AnthropicClientOptions
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

const KEY_LIST_LIMIT = 1000;
// Reports count `limit` in daily buckets; 31 is the maximum for 1d.
const REPORT_BUCKET_LIMIT = 31;

const STATUS: Record<ApiKey['status'], ProviderKeyStatus> = {
  active: 'active',
  inactive: 'disabled',
  archived: 'archived',
  expired: 'expired',
};

type ReportPage<TBucket> = {
  data: TBucket[];
  has_more: boolean;
  next_page?: string | null;
};

/**
 * The Anthropic Admin API for one organization, authenticated with an admin
 * key (`x-api-key`).
 *
 * Keys are listed in every status and can be enabled or disabled (status
 * `active` / `inactive`); they cannot be created or deleted through the API.
 * Usage comes from the messages usage report grouped by key, model and
 * workspace; money from the cost report grouped by workspace and description.
 *
 * @public
 */
export class AnthropicClient implements LlmProviderClient {
  private readonly http: ProviderHttpClient;
  private readonly now: () => number;

  constructor(options: AnthropicClientOptions) {
    if (!options.adminKey) {
      throw new ProviderAuthError('Anthropic account has no admin API key');
    }
    this.http = new ProviderHttpClient({
      providerName: 'Anthropic',
      baseUrl: options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
      headers: {
        'x-api-key': options.adminKey,
        'anthropic-version': ANTHROPIC_VERSION,
      },
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
      path: '/v1/organizations/api_keys',
      query: { limit: 1 },
      schema: apiKeyListSchema,
    });
  }

  async listKeys(): Promise<ProviderKey[]> {
    // No status filter: the inventory needs inactive and archived keys too.
    const keys = await paginate({
      description: 'Anthropic API keys',
      fetchPage: (afterId: string | undefined) =>
        this.http.request({
          path: '/v1/organizations/api_keys',
          query: { limit: KEY_LIST_LIMIT, after_id: afterId },
          schema: apiKeyListSchema,
        }),
      getItems: page => page.data,
      getNextCursor: page => {
        if (!page.has_more) {
          return undefined;
        }
        const after = page.last_id ?? page.data[page.data.length - 1]?.id;
        if (!after) {
          throw new ProviderResponseError(
            'Anthropic API keys: has_more without last_id',
          );
        }
        return after;
      },
    });
    return keys.map(key => toProviderKey(key, this.now()));
  }

  async setKeyEnabled(providerKeyId: string, enabled: boolean): Promise<void> {
    const updated = await this.http.request({
      method: 'POST',
      path: `/v1/organizations/api_keys/${encodeURIComponent(providerKeyId)}`,
      body: { status: enabled ? 'active' : 'inactive' },
      // Setting a status twice leaves the same state.
      idempotent: true,
      schema: apiKeySchema,
    });
    const expected = enabled ? 'active' : 'inactive';
    if (updated.status !== expected) {
      throw new ProviderResponseError(
        `Anthropic left key ${providerKeyId} ${updated.status}, not ${expected}`,
      );
    }
  }

  async fetchUsage(range: ProviderDateRange): Promise<ProviderUsageRecord[]> {
    const buckets = await this.fetchReport(
      'messages usage report',
      '/v1/organizations/usage_report/messages',
      range,
      ['api_key_id', 'model', 'workspace_id'],
      messagesUsagePageSchema,
    );
    const records: ProviderUsageRecord[] = [];
    for (const bucket of buckets) {
      const date = dayOf(bucket.starting_at);
      if (!isDayInRange(date, range)) {
        continue;
      }
      for (const result of bucket.results) {
        const cacheRead = result.cache_read_input_tokens ?? 0;
        const cacheWrite =
          (result.cache_creation?.ephemeral_1h_input_tokens ?? 0) +
          (result.cache_creation?.ephemeral_5m_input_tokens ?? 0);
        records.push({
          date,
          providerKeyId: result.api_key_id ?? '',
          model: result.model ?? '',
          // null is the default workspace
          providerProjectId: result.workspace_id ?? '',
          // Every input token, as OpenAI counts them: uncached, cache writes
          // and cache reads; cachedTokens are the reads.
          inputTokens:
            (result.uncached_input_tokens ?? 0) + cacheWrite + cacheRead,
          outputTokens: result.output_tokens ?? 0,
          cachedTokens: cacheRead,
          requests: null,
        });
      }
    }
    return mergeUsageRecords(records);
  }

  async fetchCosts(range: ProviderDateRange): Promise<ProviderCostRecord[]> {
    const buckets = await this.fetchReport(
      'cost report',
      '/v1/organizations/cost_report',
      range,
      ['workspace_id', 'description'],
      costPageSchema,
    );
    const records: ProviderCostRecord[] = [];
    for (const bucket of buckets) {
      const date = dayOf(bucket.starting_at);
      if (!isDayInRange(date, range)) {
        continue;
      }
      for (const result of bucket.results) {
        records.push({
          date,
          providerKeyId: '',
          model: result.model ?? '',
          providerProjectId: result.workspace_id ?? '',
          lineItem: result.description ?? result.cost_type ?? '',
          // The report is in cents ("123.45" USD is $1.2345).
          amount: centsToUnits(result.amount),
          currency: result.currency.toUpperCase(),
        });
      }
    }
    return mergeCostRecords(records);
  }

  private async fetchReport<TBucket>(
    what: string,
    path: string,
    range: ProviderDateRange,
    groupBy: string[],
    schema: z.ZodType<ReportPage<TBucket>, z.ZodTypeDef, unknown>,
  ): Promise<TBucket[]> {
    dateRangeToSeconds(range); // validates the range
    return paginate<ReportPage<TBucket>, TBucket, string>({
      description: `Anthropic ${what}`,
      fetchPage: page =>
        this.http.request({
          path,
          query: {
            starting_at: `${range.from}T00:00:00Z`,
            ending_at: `${addDays(range.to, 1)}T00:00:00Z`,
            bucket_width: '1d',
            'group_by[]': groupBy,
            limit: REPORT_BUCKET_LIMIT,
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
            `Anthropic ${what}: has_more without next_page`,
          );
        }
        return page.next_page;
      },
    });
  }
}

function toProviderKey(key: ApiKey, now: number): ProviderKey {
  const pastExpiry = !!key.expires_at && Date.parse(key.expires_at) <= now;
  return {
    providerKeyId: key.id,
    name: key.name ?? '',
    maskedHint: key.partial_key_hint ?? null,
    // An active key past its expiry no longer works, whatever its status says.
    status:
      key.status === 'active' && pastExpiry ? 'expired' : STATUS[key.status],
    providerProjectId: key.workspace_id ?? null,
    createdAt: normalizeTime(key.created_at),
    lastUsedAt: null,
    expiresAt: normalizeTime(key.expires_at),
    limit: null,
    usage: null,
  };
}

function normalizeTime(value: string | null | undefined): string | null {
  return value ? new Date(value).toISOString() : null;
}

function dayOf(timestamp: string): string {
  return utcDayOfSeconds(Date.parse(timestamp) / 1000);
}
