import { InputError } from '@backstage/errors';
import {
  CreatedProviderKey,
  ProviderApiClient,
  ProviderAuthError,
  ProviderBalance,
  ProviderClientOptions,
  ProviderCostRecord,
  ProviderDateRange,
  ProviderKey,
  ProviderMoney,
  ProviderResponseError,
  ProviderUsageRecord,
  bearerAuth,
  dateRangeToSeconds,
  decimalFromNumber,
  decimalStringSchema,
  isDayInRange,
  mergeCostRecords,
  mergeUsageRecords,
  paginate,
  subtractDecimals,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import {
  ActivityRow,
  OpenRouterKey,
  activitySchema,
  createdKeySchema,
  creditsSchema,
  currentKeySchema,
  deletedKeySchema,
  keyListSchema,
  keyResponseSchema,
} from './schemas';

/** @public */
export const OPENROUTER_DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

/** @public */
export interface OpenRouterClientOptions extends ProviderClientOptions {
  /** A management (formerly "provisioning") key. */
  managementKey: string;
  /** Lists the keys of this workspace instead of the default one. */
  workspaceId?: string;
}

const CURRENCY = 'USD';
// fetchUsage and fetchCosts of one sync read the same activity; one round of
// per-key requests serves both.
const ACTIVITY_REUSE_MS = 60_000;

type KeyActivity = { key: OpenRouterKey; rows: ActivityRow[] };

/**
 * The OpenRouter API with a management key: the full key lifecycle (list,
 * create, enable/disable, limit, delete), daily activity per key and model
 * for the last 30 completed UTC days, and the credit balance.
 *
 * @public
 */
export class OpenRouterClient extends ProviderApiClient {
  private readonly workspaceId: string | undefined;
  private activity:
    | { range: string; at: number; result: Promise<KeyActivity[]> }
    | undefined;

  constructor(options: OpenRouterClientOptions) {
    super(options, {
      providerName: 'OpenRouter',
      defaultBaseUrl: OPENROUTER_DEFAULT_BASE_URL,
      ...bearerAuth('management key', options.managementKey),
    });
    this.workspaceId = options.workspaceId;
  }

  /** Checks the key works and is a management key, which the other calls need. */
  async testConnection(): Promise<void> {
    const { data } = await this.http.request({
      path: '/key',
      schema: currentKeySchema,
    });
    const isManagementKey = data.is_management_key ?? data.is_provisioning_key;
    if (isManagementKey === false) {
      throw new ProviderAuthError(
        'OpenRouter key is valid but not a management key; key lists, activity and credits need one',
      );
    }
  }

  async listKeys(): Promise<ProviderKey[]> {
    return (await this.listRawKeys()).map(key => this.toProviderKey(key));
  }

  async createKey(input: {
    name: string;
    limit?: ProviderMoney;
  }): Promise<CreatedProviderKey> {
    const response = await this.http.request({
      method: 'POST',
      path: '/keys',
      body: {
        name: input.name,
        limit: input.limit ? limitToCredits(input.limit) : undefined,
      },
      schema: createdKeySchema,
    });
    return { key: this.toProviderKey(response.data), secret: response.key };
  }

  async setKeyEnabled(providerKeyId: string, enabled: boolean): Promise<void> {
    const data = await this.updateKey(providerKeyId, { disabled: !enabled });
    if (data.disabled === enabled) {
      throw new ProviderResponseError(
        `OpenRouter left key ${providerKeyId} ${
          data.disabled ? 'disabled' : 'enabled'
        }`,
      );
    }
  }

  /** Sets or clears (null) the key's credit limit. */
  async setKeyLimit(
    providerKeyId: string,
    limit: ProviderMoney | null,
  ): Promise<ProviderKey> {
    const data = await this.updateKey(providerKeyId, {
      limit: limit ? limitToCredits(limit) : null,
    });
    return this.toProviderKey(data);
  }

  private async updateKey(
    providerKeyId: string,
    body: { disabled: boolean } | { limit: number | null },
  ): Promise<OpenRouterKey> {
    const { data } = await this.http.request({
      method: 'PATCH',
      path: `/keys/${encodeURIComponent(providerKeyId)}`,
      body,
      schema: keyResponseSchema,
    });
    return data;
  }

  async deleteKey(providerKeyId: string): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `/keys/${encodeURIComponent(providerKeyId)}`,
      schema: deletedKeySchema,
    });
  }

  async fetchUsage(range: ProviderDateRange): Promise<ProviderUsageRecord[]> {
    const rows = await this.activityRows(range);
    return mergeUsageRecords(
      rows.map(({ identity, row }) => ({
        ...identity,
        inputTokens: row.prompt_tokens,
        // completion tokens include reasoning tokens
        outputTokens: row.completion_tokens,
        cachedTokens: 0,
        requests: row.requests,
      })),
    );
  }

  async fetchCosts(range: ProviderDateRange): Promise<ProviderCostRecord[]> {
    const rows = await this.activityRows(range);
    // One row per upstream provider/endpoint of a model: summed exactly.
    return mergeCostRecords(
      rows.map(({ identity, row }) => ({
        ...identity,
        lineItem: '',
        // Credits spent; BYOK inference is billed by the upstream provider.
        amount: decimalFromNumber(row.usage),
        currency: CURRENCY,
      })),
    );
  }

  async fetchBalances(): Promise<ProviderBalance[]> {
    const { data } = await this.http.request({
      path: '/credits',
      schema: creditsSchema,
    });
    const total = decimalFromNumber(data.total_credits);
    const used = decimalFromNumber(data.total_usage);
    return [
      {
        currency: CURRENCY,
        available: subtractDecimals(total, used),
        total,
        used,
        readAt: new Date(this.now()).toISOString(),
      },
    ];
  }

  /**
   * `/keys` pages by offset with no page size or "more" flag: we read until
   * an empty page, or a page shorter than the first one (the page size).
   */
  private async listRawKeys(): Promise<OpenRouterKey[]> {
    let pageSize: number | undefined;
    const keys = await paginate({
      description: 'OpenRouter keys',
      fetchPage: (offset: number | undefined) =>
        this.http.request({
          path: '/keys',
          query: {
            include_disabled: 'true',
            offset: offset ?? 0,
            workspace_id: this.workspaceId,
          },
          schema: keyListSchema,
        }),
      getItems: page => page.data,
      getNextCursor: (page, { cursor }) => {
        pageSize ??= page.data.length;
        if (page.data.length === 0 || page.data.length < pageSize) {
          return undefined;
        }
        return (cursor ?? 0) + page.data.length;
      },
    });
    // A key created while paging shifts the offsets and may appear twice.
    return [...new Map(keys.map(key => [key.hash, key])).values()];
  }

  /** Each activity row with the day, key, model and project it counts for. */
  private async activityRows(range: ProviderDateRange) {
    return (await this.fetchActivity(range)).flatMap(({ key, rows }) =>
      rows.map(row => ({
        identity: {
          date: row.date.slice(0, 10),
          providerKeyId: key.hash,
          model: row.model,
          providerProjectId: key.workspace_id ?? '',
        },
        row,
      })),
    );
  }

  private fetchActivity(range: ProviderDateRange): Promise<KeyActivity[]> {
    dateRangeToSeconds(range); // validates the range
    const rangeKey = `${range.from}/${range.to}`;
    const now = this.now();
    if (
      this.activity?.range === rangeKey &&
      now - this.activity.at < ACTIVITY_REUSE_MS
    ) {
      return this.activity.result;
    }
    const result = this.loadActivity(range);
    this.activity = { range: rangeKey, at: now, result };
    result.catch(() => {
      this.activity = undefined;
    });
    return result;
  }

  /**
   * `/activity` has no key dimension, only a filter, so it is read once per
   * key. It covers the last 30 completed UTC days; older days come back empty.
   */
  private async loadActivity(range: ProviderDateRange): Promise<KeyActivity[]> {
    const singleDay = range.from === range.to ? range.from : undefined;
    const result: KeyActivity[] = [];
    for (const key of await this.listRawKeys()) {
      const { data } = await this.http.request({
        path: '/activity',
        query: { api_key_hash: key.hash, date: singleDay },
        schema: activitySchema,
      });
      result.push({
        key,
        rows: data.filter(row => isDayInRange(row.date.slice(0, 10), range)),
      });
    }
    return result;
  }

  private toProviderKey(key: OpenRouterKey): ProviderKey {
    const expired =
      !!key.expires_at && Date.parse(key.expires_at) <= this.now();
    let status: ProviderKey['status'] = 'active';
    if (key.disabled) {
      status = 'disabled';
    } else if (expired) {
      status = 'expired';
    }
    return {
      providerKeyId: key.hash,
      name: key.name,
      // `label` is the redacted key in live responses, a free name in examples.
      maskedHint: key.label && /^sk-or-/.test(key.label) ? key.label : null,
      status,
      providerProjectId: key.workspace_id ?? null,
      createdAt: new Date(key.created_at).toISOString(),
      lastUsedAt: null,
      expiresAt: key.expires_at ? new Date(key.expires_at).toISOString() : null,
      limit:
        key.limit === null || key.limit === undefined
          ? null
          : { amount: decimalFromNumber(key.limit), currency: CURRENCY },
      usage: { amount: decimalFromNumber(key.usage), currency: CURRENCY },
    };
  }
}

/** OpenRouter limits are USD credits sent as a JSON number. */
function limitToCredits(limit: ProviderMoney): number {
  if (limit.currency.toUpperCase() !== CURRENCY) {
    throw new InputError(`OpenRouter limits are in USD, not ${limit.currency}`);
  }
  if (!decimalStringSchema.safeParse(limit.amount).success) {
    throw new InputError(
      `Invalid limit amount ${JSON.stringify(limit.amount)}`,
    );
  }
  const credits = Number(limit.amount);
  if (credits < 0) {
    throw new InputError('A limit cannot be negative');
  }
  return credits;
}
