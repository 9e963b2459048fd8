import {
  LastIdPage,
  ProviderApiClient,
  ProviderClientOptions,
  ProviderCostRecord,
  ProviderDateRange,
  ProviderKey,
  ProviderNotSupportedError,
  ProviderResponseError,
  ProviderUsageRecord,
  bearerAuth,
  dateRangeToSeconds,
  decimalFromNumber,
  requestAllAfterLastId,
  requestDailyCosts,
  requestDailyUsage,
  utcDayOfSeconds,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { z } from 'zod/v3';
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
export interface OpenAiClientOptions extends ProviderClientOptions {
  adminKey: string;
}

// The list endpoints' maximum page size.
const LIST_LIMIT = 100;
// `limit` counts daily buckets: usage allows up to 31, costs up to 180.
const USAGE_BUCKET_LIMIT = 31;
const COST_BUCKET_LIMIT = 180;

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
export class OpenAiClient extends ProviderApiClient {
  constructor(options: OpenAiClientOptions) {
    super(options, {
      providerName: 'OpenAI',
      defaultBaseUrl: OPENAI_DEFAULT_BASE_URL,
      ...bearerAuth('admin API key', options.adminKey),
      testList: {
        path: '/organization/projects',
        schema: projectListSchema,
      },
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
    return requestDailyUsage(this.http, {
      ...reportRequest('completions usage', '/organization/usage/completions', {
        range,
        groupBy: ['model', 'project_id', 'api_key_id'],
        limit: USAGE_BUCKET_LIMIT,
      }),
      schema: completionsUsagePageSchema,
      toRecord: (result, date) => ({
        date,
        providerKeyId: result.api_key_id ?? '',
        model: result.model ?? '',
        providerProjectId: result.project_id ?? '',
        // OpenAI's input_tokens already include the cached ones.
        inputTokens: result.input_tokens ?? 0,
        outputTokens: result.output_tokens ?? 0,
        cachedTokens: result.input_cached_tokens ?? 0,
        requests: result.num_model_requests ?? null,
      }),
    });
  }

  async fetchCosts(range: ProviderDateRange): Promise<ProviderCostRecord[]> {
    return requestDailyCosts(this.http, {
      ...reportRequest('costs', '/organization/costs', {
        range,
        groupBy: ['project_id', 'line_item'],
        limit: COST_BUCKET_LIMIT,
      }),
      schema: costPageSchema,
      toRecord: (result, date) => ({
        date,
        providerKeyId: result.api_key_id ?? '',
        model: '',
        providerProjectId: result.project_id ?? '',
        lineItem: result.line_item ?? '',
        // A JSON number; see decimalFromNumber for why this is exact.
        amount: decimalFromNumber(result.amount.value),
        currency: result.amount.currency.toUpperCase(),
      }),
    });
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
    schema: z.ZodType<LastIdPage<T>, z.ZodTypeDef, unknown>,
    query: Record<string, string>,
  ): Promise<T[]> {
    return requestAllAfterLastId(this.http, {
      description: `OpenAI ${what}`,
      path,
      query: { ...query, limit: LIST_LIMIT },
      cursorParam: 'after',
      schema,
    });
  }
}

/** What the usage and cost reports share: the window in unix seconds. */
function reportRequest(
  what: string,
  path: string,
  report: { range: ProviderDateRange; groupBy: string[]; limit: number },
) {
  const { startSeconds, endSeconds } = dateRangeToSeconds(report.range);
  return {
    description: `OpenAI ${what}`,
    path,
    query: {
      start_time: startSeconds,
      end_time: endSeconds,
      group_by: report.groupBy,
      limit: report.limit,
    },
    range: report.range,
    dayOf: (bucket: { start_time: number }) =>
      utcDayOfSeconds(bucket.start_time),
  };
}

function isoFromSeconds(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number'
    ? new Date(seconds * 1000).toISOString()
    : null;
}
