import {
  ProviderApiClient,
  ProviderClientOptions,
  ProviderCostRecord,
  ProviderDateRange,
  ProviderKey,
  ProviderKeyStatus,
  ProviderResponseError,
  ProviderUsageRecord,
  addDays,
  centsToUnits,
  dateRangeToSeconds,
  requestAllAfterLastId,
  requestDailyCosts,
  requestDailyUsage,
  utcDayOfSeconds,
} from '@llm-usage/backstage-plugin-llm-usage-node';
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
export interface AnthropicClientOptions extends ProviderClientOptions {
  adminKey: string;
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
export class AnthropicClient extends ProviderApiClient {
  constructor(options: AnthropicClientOptions) {
    super(options, {
      providerName: 'Anthropic',
      defaultBaseUrl: ANTHROPIC_DEFAULT_BASE_URL,
      headers: {
        'x-api-key': options.adminKey,
        'anthropic-version': ANTHROPIC_VERSION,
      },
      requiredCredentials: { 'admin API key': options.adminKey },
      testList: {
        path: '/v1/organizations/api_keys',
        schema: apiKeyListSchema,
      },
    });
  }

  async listKeys(): Promise<ProviderKey[]> {
    // No status filter: the inventory needs inactive and archived keys too.
    const keys = await requestAllAfterLastId(this.http, {
      description: 'Anthropic API keys',
      path: '/v1/organizations/api_keys',
      query: { limit: KEY_LIST_LIMIT },
      cursorParam: 'after_id',
      schema: apiKeyListSchema,
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
    return requestDailyUsage(this.http, {
      ...reportRequest(
        'messages usage report',
        '/v1/organizations/usage_report/messages',
        range,
        ['api_key_id', 'model', 'workspace_id'],
      ),
      schema: messagesUsagePageSchema,
      toRecord: (result, date) => {
        const cacheRead = result.cache_read_input_tokens ?? 0;
        const cacheWrite =
          (result.cache_creation?.ephemeral_1h_input_tokens ?? 0) +
          (result.cache_creation?.ephemeral_5m_input_tokens ?? 0);
        return {
          date,
          providerKeyId: result.api_key_id ?? '',
          model: result.model ?? '',
          // null is the default workspace
          providerProjectId: result.workspace_id ?? '',
          // Every input token, as OpenAI counts them: uncached, cache
          // writes and cache reads; cachedTokens are the reads.
          inputTokens:
            (result.uncached_input_tokens ?? 0) + cacheWrite + cacheRead,
          outputTokens: result.output_tokens ?? 0,
          cachedTokens: cacheRead,
          requests: null,
        };
      },
    });
  }

  async fetchCosts(range: ProviderDateRange): Promise<ProviderCostRecord[]> {
    return requestDailyCosts(this.http, {
      ...reportRequest('cost report', '/v1/organizations/cost_report', range, [
        'workspace_id',
        'description',
      ]),
      schema: costPageSchema,
      toRecord: (result, date) => ({
        date,
        providerKeyId: '',
        model: result.model ?? '',
        providerProjectId: result.workspace_id ?? '',
        lineItem: result.description ?? result.cost_type ?? '',
        // The report is in cents ("123.45" USD is $1.2345).
        amount: centsToUnits(result.amount),
        currency: result.currency.toUpperCase(),
      }),
    });
  }
}

/** What the two reports share: the window of whole days and the grouping. */
function reportRequest(
  what: string,
  path: string,
  range: ProviderDateRange,
  groupBy: string[],
) {
  dateRangeToSeconds(range); // validates the range
  return {
    description: `Anthropic ${what}`,
    path,
    query: {
      starting_at: `${range.from}T00:00:00Z`,
      ending_at: `${addDays(range.to, 1)}T00:00:00Z`,
      'group_by[]': groupBy,
      limit: REPORT_BUCKET_LIMIT,
    },
    range,
    dayOf: (bucket: { starting_at: string }) =>
      utcDayOfSeconds(Date.parse(bucket.starting_at) / 1000),
  };
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
