import {
  LastIdPage,
  NextPageTokenPage,
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
  mergeUsageRecords,
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
  inputTokensUsagePageSchema,
  projectApiKeyDeletedSchema,
  projectApiKeyListSchema,
  projectListSchema,
  requestsUsagePageSchema,
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
// Every usage report below accepts these three.
const USAGE_GROUP_BY = ['model', 'project_id', 'api_key_id'];

type UsageDimensions = {
  project_id?: string | null;
  api_key_id?: string | null;
  model?: string | null;
  num_model_requests?: number | null;
};

/** One `/organization/usage/<kind>` report and the tokens it counts. */
interface UsageReport<TResult extends UsageDimensions> {
  kind: string;
  schema: z.ZodType<
    NextPageTokenPage<DailyBucket<TResult>>,
    z.ZodTypeDef,
    unknown
  >;
  tokens?(
    result: NoInfer<TResult>,
  ): Pick<ProviderUsageRecord, 'inputTokens' | 'outputTokens' | 'cachedTokens'>;
}

type DailyBucket<TResult> = { start_time: number; results: TResult[] };

const usageReport = <TResult extends UsageDimensions>(
  report: UsageReport<TResult>,
) => report;

const inputTokensOnly = (result: { input_tokens?: number | null }) => ({
  inputTokens: result.input_tokens ?? 0,
  outputTokens: 0,
  cachedTokens: 0,
});

/*
 * The usage reports of model traffic. Images, speech and transcriptions count
 * requests only: their own units (images, characters, seconds) have no column
 * in the usage rows, and their model (dall-e-3, tts-1, whisper-1…) says what
 * they are. Vector stores, code interpreter sessions and file or web searches
 * are storage and tool calls, billed through the costs report.
 */
const USAGE_REPORTS = [
  usageReport({
    kind: 'completions',
    schema: completionsUsagePageSchema,
    tokens: result => ({
      // OpenAI's input_tokens already include the cached ones.
      inputTokens: result.input_tokens ?? 0,
      outputTokens: result.output_tokens ?? 0,
      cachedTokens: result.input_cached_tokens ?? 0,
    }),
  }),
  usageReport({
    kind: 'embeddings',
    schema: inputTokensUsagePageSchema,
    tokens: inputTokensOnly,
  }),
  usageReport({
    kind: 'moderations',
    schema: inputTokensUsagePageSchema,
    tokens: inputTokensOnly,
  }),
  usageReport({ kind: 'images', schema: requestsUsagePageSchema }),
  usageReport({ kind: 'audio_speeches', schema: requestsUsagePageSchema }),
  usageReport({
    kind: 'audio_transcriptions',
    schema: requestsUsagePageSchema,
  }),
];

/**
 * The OpenAI Admin API for one organization, authenticated with an admin key.
 *
 * Keys: project keys of every active project plus the organization's admin
 * keys. Project keys can only be deleted; nothing can be created or disabled
 * through the API. Usage comes from the `/organization/usage/…` reports of
 * completions, embeddings, moderations, images, speech and transcriptions,
 * and money from `/organization/costs`.
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

  /**
   * Every usage report that counts model traffic, read one after the other
   * and summed per day, key, model and project. Any report that fails fails
   * the whole fetch, so a sync never stores a part of the usage.
   */
  async fetchUsage(range: ProviderDateRange): Promise<ProviderUsageRecord[]> {
    const records: ProviderUsageRecord[] = [];
    for (const report of USAGE_REPORTS) {
      records.push(...(await this.fetchUsageReport(range, report)));
    }
    return mergeUsageRecords(records);
  }

  private fetchUsageReport<TResult extends UsageDimensions>(
    range: ProviderDateRange,
    report: UsageReport<TResult>,
  ): Promise<ProviderUsageRecord[]> {
    return requestDailyUsage(this.http, {
      ...reportRequest(
        `${report.kind} usage`,
        `/organization/usage/${report.kind}`,
        { range, groupBy: USAGE_GROUP_BY, limit: USAGE_BUCKET_LIMIT },
      ),
      schema: report.schema,
      toRecord: (result, date) => ({
        date,
        providerKeyId: result.api_key_id ?? '',
        model: result.model ?? '',
        providerProjectId: result.project_id ?? '',
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
        requests: result.num_model_requests ?? null,
        ...report.tokens?.(result),
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
