import type { LoggerService } from '@backstage/backend-plugin-api';
import { ProviderAuthError } from '../errors';
import type {
  LlmProviderClient,
  ProviderAccount,
  ProviderClientContext,
} from '../provider';
import {
  ProviderHttpClient,
  ProviderHttpClientOptions,
} from './ProviderHttpClient';

/**
 * What every provider client takes besides its credentials: where to send
 * requests and how (logger, fetch, timeout, retries). A module's client
 * options extend it with the provider's own credentials and settings.
 *
 * @public
 */
export interface ProviderClientOptions
  extends Partial<
    Pick<
      ProviderHttpClientOptions,
      'fetch' | 'timeoutMs' | 'retry' | 'sleep' | 'random' | 'now'
    >
  > {
  /** Overrides the provider's default base URL, e.g. with a proxy. */
  baseUrl?: string;
  logger: LoggerService;
}

/**
 * What a provider fixes about its API: its name in messages, its default
 * base URL, and how requests are authenticated (credential headers, a
 * per-request signer) and its error envelope read.
 *
 * @public
 */
export interface ProviderApiDefinition
  extends Pick<
    ProviderHttpClientOptions,
    'providerName' | 'headers' | 'secrets' | 'signRequest' | 'interpretError'
  > {
  defaultBaseUrl: string;
  /**
   * Credentials the client cannot work without, by the name errors use
   * (`admin API key`): an empty one is a {@link ProviderAuthError} before
   * any request is made.
   */
  requiredCredentials?: Record<string, string | undefined>;
}

/**
 * The {@link ProviderHttpClient} of one account: the provider's API
 * definition combined with the account's base URL override and the
 * backend's transport settings.
 *
 * @public
 */
export function createProviderHttpClient(
  options: ProviderClientOptions,
  api: ProviderApiDefinition,
): ProviderHttpClient {
  const { defaultBaseUrl, requiredCredentials, ...definition } = api;
  for (const [name, value] of Object.entries(requiredCredentials ?? {})) {
    if (!value) {
      throw new ProviderAuthError(`${api.providerName} account has no ${name}`);
    }
  }
  return new ProviderHttpClient({
    ...definition,
    baseUrl: options.baseUrl ?? defaultBaseUrl,
    logger: options.logger,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    sleep: options.sleep,
    random: options.random,
    now: options.now,
  });
}

/**
 * The base of a provider's client for one account: the account's
 * {@link ProviderHttpClient} and clock. A subclass adds the provider's
 * endpoints, response schemas and mapping to the shared model.
 *
 * @public
 */
export abstract class ProviderApiClient implements LlmProviderClient {
  protected readonly http: ProviderHttpClient;
  /** The injected clock (`options.now`), for expiry and reading times. */
  protected readonly now: () => number;

  protected constructor(
    options: ProviderClientOptions,
    api: ProviderApiDefinition,
  ) {
    this.http = createProviderHttpClient(options, api);
    this.now = options.now ?? Date.now;
  }

  abstract testConnection(): Promise<void>;
}

/**
 * The {@link ProviderClientOptions} an {@link LlmProvider.createClient}
 * passes on: the account's `settings.baseUrl` (an empty one means the
 * default), a logger that names the provider and account, and the
 * backend's fetch and HTTP overrides.
 *
 * @public
 */
export function providerClientOptions(
  providerId: string,
  account: ProviderAccount,
  context: ProviderClientContext,
): ProviderClientOptions {
  return {
    baseUrl: account.settings.baseUrl || undefined,
    logger: context.logger.child({
      provider: providerId,
      account: account.id,
    }),
    fetch: context.fetch,
    ...context.http,
  };
}
