import {
  LlmProviderClient,
  ProviderAuthError,
  ProviderBalance,
  ProviderClientOptions,
  ProviderDateRange,
  ProviderError,
  ProviderHttpClient,
  ProviderResponseError,
  ProviderUsageRecord,
  addDays,
  createProviderHttpClient,
  dateRangeToSeconds,
  isDayInRange,
  normalizeDecimal,
  utcDayOfSeconds,
  utcDayStartSeconds,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { z } from 'zod/v3';
import {
  ResponseError,
  errorEnvelopeSchema,
  getUsageSchema,
  queryBalanceAcctSchema,
} from './schemas';
import { VolcengineCredentials, signVolcengineRequest } from './signing';

/** @public */
export const VOLCENGINE_DEFAULT_BASE_URL = 'https://open.volcengineapi.com';

/** @public */
export interface VolcengineClientOptions extends ProviderClientOptions {
  credentials: VolcengineCredentials;
  /** Signing region; default `cn-beijing`. */
  region?: string;
  /** The Ark project whose usage is read; default `default`. */
  projectName?: string;
}

const BILLING = { service: 'billing', version: '2022-01-01' };
const ARK = { service: 'ark', version: '2024-01-01' };
const SECONDS_PER_DAY = 86_400;
// Ark's daily buckets start at midnight in Beijing (UTC+8), not in UTC.
const BEIJING_OFFSET_SECONDS = 8 * 3600;

// GetUsage metric names we map; others (if any) are ignored.
const METRIC_FIELDS: Record<string, 'inputTokens' | 'outputTokens'> = {
  PromptTokens: 'inputTokens',
  CompletionTokens: 'outputTokens',
};

/** Codes of the common error table that mean "fix the credentials". */
const AUTH_ERROR_CODES = new Set([
  'MissingAuthenticationToken',
  'MissingSignature',
  'InvalidAccessKey',
  'SignatureDoesNotMatch',
  'InvalidSecretToken',
  'InvalidAuthorization',
  'InvalidCredential',
  'AccessDenied',
  'LackPolicy',
  'LackProjectPolicy',
]);

/**
 * Volcengine with an IAM access key: the account balance from the billing
 * OpenAPI (`QueryBalanceAcct`, CNY) and daily token usage of one Ark project
 * (`GetUsage`). Every request is signed with Volcengine's HMAC-SHA256 scheme.
 * There is no API that lists Ark API keys, so keys are registered by hand.
 *
 * @public
 */
export class VolcengineClient implements LlmProviderClient {
  private readonly billing: ProviderHttpClient;
  private readonly ark: ProviderHttpClient;
  private readonly projectName: string;
  private readonly now: () => number;

  constructor(options: VolcengineClientOptions) {
    const { accessKeyId, secretAccessKey, sessionToken } = options.credentials;
    this.now = options.now ?? Date.now;
    this.projectName = options.projectName ?? 'default';
    const region = options.region ?? 'cn-beijing';
    const httpFor = (service: string) =>
      createProviderHttpClient(options, {
        providerName: 'Volcengine',
        defaultBaseUrl: VOLCENGINE_DEFAULT_BASE_URL,
        requiredCredentials: {
          'access key id': accessKeyId,
          'secret access key': secretAccessKey,
        },
        // The access key id is echoed in some error messages; scrub it too.
        secrets: [accessKeyId, secretAccessKey, sessionToken ?? ''],
        signRequest: request => {
          const signature = signVolcengineRequest({
            method: request.method,
            url: request.url,
            headers: Object.fromEntries(request.headers.entries()),
            body: request.body,
            credentials: options.credentials,
            region,
            service,
            date: new Date(this.now()),
          });
          for (const [name, value] of Object.entries(signature.headers)) {
            request.headers.set(name, value);
          }
        },
        interpretError: ({ status, body, target, providerMessage }) => {
          if (status === 429 || status >= 500) {
            return undefined; // retries exhausted: unavailable, whatever the code
          }
          const parsed = errorEnvelopeSchema.safeParse(body);
          return parsed.success
            ? classifyError(
                parsed.data.ResponseMetadata.Error.Code,
                `Volcengine ${target} answered ${status}`,
                providerMessage,
              )
            : undefined;
        },
      });
    this.billing = httpFor(BILLING.service);
    this.ark = httpFor(ARK.service);
  }

  async testConnection(): Promise<void> {
    await this.queryBalance();
  }

  async fetchBalances(): Promise<ProviderBalance[]> {
    const result = await this.queryBalance();
    return [
      {
        currency: (result.Currency || 'CNY').toUpperCase(),
        available: normalizeDecimal(result.AvailableBalance),
        total: null,
        used: null,
        readAt: new Date(this.now()).toISOString(),
      },
    ];
  }

  /**
   * Daily prompt and completion tokens of the configured Ark project, labelled
   * by Beijing calendar day (Ark's buckets start at 00:00 UTC+8).
   */
  async fetchUsage(range: ProviderDateRange): Promise<ProviderUsageRecord[]> {
    dateRangeToSeconds(range); // validates the range
    const startTime = utcDayStartSeconds(range.from) - BEIJING_OFFSET_SECONDS;
    const endTime =
      utcDayStartSeconds(addDays(range.to, 1)) - BEIJING_OFFSET_SECONDS - 1;
    const result = await this.call(this.ark, ARK, 'GetUsage', getUsageSchema, {
      Interval: SECONDS_PER_DAY,
      StartTime: startTime,
      EndTime: endTime,
      ProjectName: this.projectName,
    });

    const byDay = new Map<string, ProviderUsageRecord>();
    for (const series of result.UsageResults) {
      const field = METRIC_FIELDS[series.Name];
      if (!field) {
        continue;
      }
      for (const item of series.MetricItems) {
        for (const point of item.Values) {
          const date = utcDayOfSeconds(
            point.Timestamp + BEIJING_OFFSET_SECONDS,
          );
          if (!isDayInRange(date, range)) {
            continue;
          }
          let record = byDay.get(date);
          if (!record) {
            record = {
              date,
              providerKeyId: '',
              model: '',
              providerProjectId: this.projectName,
              inputTokens: 0,
              outputTokens: 0,
              cachedTokens: 0,
              requests: null,
            };
            byDay.set(date, record);
          }
          record[field] += point.Value;
        }
      }
    }
    return [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date));
  }

  private async queryBalance() {
    return this.call(
      this.billing,
      BILLING,
      'QueryBalanceAcct',
      queryBalanceAcctSchema,
      {},
    );
  }

  /** POST with Action/Version in the query and a JSON body, as the SDKs do. */
  private async call<T>(
    http: ProviderHttpClient,
    api: { version: string },
    action: string,
    schema: z.ZodType<
      { ResponseMetadata: { Error?: ResponseError | null }; Result?: T },
      z.ZodTypeDef,
      unknown
    >,
    body: Record<string, unknown>,
  ): Promise<T> {
    const response = await http.request({
      method: 'POST',
      path: '/',
      query: { Action: action, Version: api.version },
      body,
      // Both actions only read.
      idempotent: true,
      schema,
    });
    const error = response.ResponseMetadata.Error;
    if (error) {
      throw classifyError(
        error.Code,
        `Volcengine ${action} failed`,
        http.redact(error.Message ?? ''),
      );
    }
    if (response.Result === undefined) {
      throw new ProviderResponseError(
        `Volcengine ${action} answered without a Result`,
      );
    }
    return response.Result;
  }
}

function classifyError(
  code: string,
  context: string,
  message: string,
): ProviderError {
  const text = `${context}: ${code}${message ? ` (${message})` : ''}`;
  return AUTH_ERROR_CODES.has(code)
    ? new ProviderAuthError(`${text}; check the account's access key`)
    : new ProviderResponseError(text);
}
