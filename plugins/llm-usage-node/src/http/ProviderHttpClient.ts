import type { LoggerService } from '@backstage/backend-plugin-api';
import type { z } from 'zod/v3';
import {
  ProviderAuthError,
  ProviderError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '../errors';
import {
  DEFAULT_RETRY_POLICY,
  RetryPolicy,
  backoffDelayMs,
  isRetryableStatus,
  parseRetryAfterMs,
} from './retryPolicy';

/** @public */
export type ProviderQueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | ReadonlyArray<string | number>;

/** @public */
export type ProviderHttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One request, as it is about to be sent. Handed to
 * {@link ProviderHttpClientOptions.signRequest} before every attempt.
 *
 * @public
 */
export interface OutgoingProviderRequest {
  method: ProviderHttpMethod;
  url: URL;
  /** Mutable: a signer adds its headers here. */
  headers: Headers;
  /** The exact bytes that will be sent, if any. */
  body: string | undefined;
}

/**
 * A failed response the client could not classify by itself. Providers with
 * their own error envelope turn it into a {@link ProviderError}.
 *
 * @public
 */
export interface ProviderErrorResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** Where the request went, safe to show: method, origin and path. */
  target: string;
  /**
   * The provider's own error message from the common envelopes, shortened
   * and with known secrets scrubbed; '' when there is none.
   */
  providerMessage: string;
}

/** @public */
export interface ProviderHttpClientOptions {
  /** Shown in error messages, e.g. `OpenAI`. */
  providerName: string;
  /** e.g. `https://api.openai.com/v1`; request paths are appended to it. */
  baseUrl: string;
  logger: LoggerService;
  /** Sent with every request. Values of credential headers are never logged. */
  headers?: Record<string, string>;
  /**
   * Secret values to scrub from any text taken from a provider's error body
   * before it becomes part of an error message. The values of `authorization`,
   * `x-api-key` and similar default headers are added automatically.
   */
  secrets?: string[];
  fetch?: typeof fetch;
  /** Per attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injectable so tests do not wait; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for deterministic jitter; defaults to Math.random. */
  random?: () => number;
  /** Injectable clock for HTTP-date `Retry-After`; defaults to Date.now. */
  now?: () => number;
  /** Adds per-attempt headers such as a request signature. */
  signRequest?(request: OutgoingProviderRequest): void | Promise<void>;
  /**
   * Classifies a non-retryable error response (4xx other than 429, or the
   * last 429/5xx) with the provider's own error codes. Returning undefined
   * keeps the default: 401/403 → auth error, anything else → response error.
   */
  interpretError?(response: ProviderErrorResponse): ProviderError | undefined;
}

/** @public */
export interface ProviderRequestOptions<T> {
  method?: ProviderHttpMethod;
  /** Appended to the base URL; encode path parameters with encodeURIComponent. */
  path: string;
  /** Arrays repeat the key as given (`group_by` or `group_by[]`). */
  query?: Record<string, ProviderQueryValue>;
  /** Serialised as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Every response body must pass this schema, or the call fails with a
   * {@link ProviderResponseError}; an empty body is parsed as `undefined`.
   */
  schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  /**
   * Whether repeating the request after a timeout or 5xx is harmless.
   * Defaults to true except for POST (which may have created something).
   * Non-idempotent requests are still retried on 429, which is refused
   * before any work is done.
   */
  idempotent?: boolean;
}

const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'cookie',
]);

const MAX_PROVIDER_MESSAGE_LENGTH = 300;

const realSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * The HTTP client every provider module uses: base URL, default headers,
 * per-attempt timeout, retries with exponential backoff and full jitter on
 * 429/5xx and network failures (honouring `Retry-After`), provider errors
 * mapped to the {@link ProviderError} family, and every body validated
 * against a zod schema.
 *
 * Logs carry method, origin and path only: never headers, query or bodies.
 *
 * @public
 */
export class ProviderHttpClient {
  private readonly options: ProviderHttpClientOptions;
  private readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly secrets: string[];

  constructor(options: ProviderHttpClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (!(this.policy.maxAttempts >= 1)) {
      throw new TypeError('retry.maxAttempts must be at least 1');
    }
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.secrets = [
      ...(options.secrets ?? []),
      ...Object.entries(options.headers ?? {})
        .filter(([name]) => CREDENTIAL_HEADERS.has(name.toLowerCase()))
        .flatMap(([, value]) => [value, value.replace(/^\w+\s+/, '')]),
    ].filter(secret => secret.length >= 4);
  }

  async request<T>(request: ProviderRequestOptions<T>): Promise<T> {
    const method = request.method ?? 'GET';
    const url = this.buildUrl(request.path, request.query);
    const target = `${method} ${url.origin}${url.pathname}`;
    const body =
      request.body === undefined ? undefined : JSON.stringify(request.body);
    const idempotent = request.idempotent ?? method !== 'POST';
    const { maxAttempts } = this.policy;

    for (let attempt = 1; ; attempt++) {
      const isLast = attempt >= maxAttempts;
      const started = this.now();
      let response: Response;
      let text: string;
      try {
        response = await this.send(method, url, body, request.headers);
        text = await response.text();
      } catch (error) {
        const reason = describeNetworkError(error);
        if (isLast || !idempotent) {
          throw new ProviderUnavailableError(
            `${this.options.providerName} ${target} failed after ${attempt} attempt(s): ${reason}`,
          );
        }
        await this.waitBeforeRetry(target, attempt, reason, undefined);
        continue;
      }

      this.options.logger.debug(
        `${target} → ${response.status} in ${
          this.now() - started
        } ms (attempt ${attempt})`,
      );

      if (response.ok) {
        return this.parse(text, request.schema, target);
      }

      const status = response.status;
      if (status >= 300 && status < 400) {
        throw new ProviderResponseError(
          `${this.options.providerName} ${target} answered ${status} (a redirect), which is not followed: the account's credentials are sent only to its base URL`,
        );
      }
      const mayRetry = status === 429 || (idempotent && status >= 500);
      if (isRetryableStatus(status) && mayRetry && !isLast) {
        const retryAfterMs = parseRetryAfterMs(
          response.headers.get('retry-after'),
          this.now,
        );
        if (
          retryAfterMs !== undefined &&
          retryAfterMs > this.policy.maxRetryAfterMs
        ) {
          throw new ProviderUnavailableError(
            `${
              this.options.providerName
            } ${target} answered ${status} and asked to wait ${Math.ceil(
              retryAfterMs / 1000,
            )} s, longer than the ${Math.ceil(
              this.policy.maxRetryAfterMs / 1000,
            )} s we wait within one sync`,
          );
        }
        await this.waitBeforeRetry(target, attempt, `${status}`, retryAfterMs);
        continue;
      }
      throw this.errorFor(status, text, target, attempt);
    }
  }

  private buildUrl(
    path: string,
    query: Record<string, ProviderQueryValue> | undefined,
  ): URL {
    const url = new URL(
      `${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}`,
    );
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) {
        continue;
      }
      if (Array.isArray(value)) {
        for (const item of value) {
          url.searchParams.append(key, String(item));
        }
      } else {
        url.searchParams.append(key, String(value));
      }
    }
    return url;
  }

  private async send(
    method: ProviderHttpMethod,
    url: URL,
    body: string | undefined,
    extraHeaders: Record<string, string> | undefined,
  ): Promise<Response> {
    const headers = new Headers({
      accept: 'application/json',
      ...this.options.headers,
      ...extraHeaders,
    });
    if (body !== undefined && !headers.has('content-type')) {
      headers.set('content-type', 'application/json');
    }
    // Signed per attempt: signatures carry a timestamp that a retry must renew.
    await this.options.signRequest?.({ method, url, headers, body });
    const doFetch = this.options.fetch ?? globalThis.fetch;
    return doFetch(url, {
      method,
      headers,
      body,
      // fetch would repeat headers such as x-api-key to wherever a redirect
      // points; the base URL is the only place credentials may go.
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  private async waitBeforeRetry(
    target: string,
    attempt: number,
    reason: string,
    retryAfterMs: number | undefined,
  ) {
    const delayMs =
      retryAfterMs ?? backoffDelayMs(attempt, this.policy, this.random);
    this.options.logger.warn(
      `${target} failed (${reason}); retrying in ${delayMs} ms (attempt ${
        attempt + 1
      } of ${this.policy.maxAttempts})`,
    );
    await this.sleep(delayMs);
  }

  private parse<T>(
    text: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    target: string,
  ): T {
    let json: unknown = undefined;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ProviderResponseError(
          `${this.options.providerName} ${target} returned malformed JSON`,
        );
      }
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      throw new ProviderResponseError(
        `${
          this.options.providerName
        } ${target} returned an unexpected response: ${describeIssues(
          result.error,
        )}`,
      );
    }
    return result.data;
  }

  private errorFor(
    status: number,
    text: string,
    target: string,
    attempts: number,
  ): ProviderError {
    let body: unknown = undefined;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const providerMessage = this.redact(extractProviderMessage(body));
    const custom = this.options.interpretError?.({
      status,
      body,
      target,
      providerMessage,
    });
    if (custom) {
      return custom;
    }
    const detail = providerMessage ? `: ${providerMessage}` : '';
    const name = this.options.providerName;
    if (status === 401 || status === 403) {
      return new ProviderAuthError(
        `${name} rejected the account's credentials (${status} from ${target})${detail}`,
      );
    }
    if (isRetryableStatus(status)) {
      return new ProviderUnavailableError(
        `${name} ${target} answered ${status} after ${attempts} attempt(s)${detail}`,
      );
    }
    return new ProviderResponseError(
      `${name} ${target} answered ${status}${detail}`,
    );
  }

  /** Scrubs known secrets from text that came from a provider. */
  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      result = result.split(secret).join('***');
    }
    return result;
  }
}

/**
 * Finds the human message in the common error envelopes: `{error:{message}}`
 * (OpenAI, Anthropic, OpenRouter), `{ResponseMetadata:{Error:{Message}}}`
 * (Volcengine) or `{message}`.
 */
export function extractProviderMessage(body: unknown): string {
  const record = asRecord(body);
  if (!record) {
    return '';
  }
  const candidates = [
    asRecord(record.error)?.message,
    asRecord(asRecord(record.ResponseMetadata)?.Error)?.Message,
    record.message,
    typeof record.error === 'string' ? record.error : undefined,
  ];
  const message = candidates.find(
    (c): c is string => typeof c === 'string' && c.trim() !== '',
  );
  if (!message) {
    return '';
  }
  return message.length > MAX_PROVIDER_MESSAGE_LENGTH
    ? `${message.slice(0, MAX_PROVIDER_MESSAGE_LENGTH)}…`
    : message;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function describeNetworkError(error: unknown): string {
  // Duck-typed: fetch rejects with DOMExceptions, which are not always
  // instances of this realm's Error.
  const { name, cause } = (error ?? {}) as {
    name?: unknown;
    cause?: { code?: unknown };
  };
  if (name === 'TimeoutError') {
    return 'timed out';
  }
  if (name === 'AbortError') {
    return 'aborted';
  }
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return `network error${code}`;
}

/** Paths and kinds of problems, never the offending values themselves. */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map(issue => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    if (issue.code === 'invalid_type') {
      return `${path}: expected ${issue.expected}, got ${issue.received}`;
    }
    return `${path}: ${issue.code}`;
  });
  const more =
    error.issues.length > 5 ? ` and ${error.issues.length - 5} more` : '';
  return `${issues.join('; ')}${more}`;
}
