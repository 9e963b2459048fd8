import type { LoggerService } from '@backstage/backend-plugin-api';
import { ProviderAuthError } from '../errors';
import type {
  LlmProvider,
  LlmProviderClient,
  ProviderAccount,
  ProviderClientContext,
  ProviderCredentialField,
  ProviderEndpoint,
} from '../provider';
import {
  ProviderHttpClient,
  ProviderHttpClientOptions,
  ProviderRequestOptions,
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
  /**
   * A list whose first item {@link ProviderApiClient.testConnection} asks
   * for (`?limit=1`), the cheapest authenticated request; a client without
   * one implements `testConnection` itself.
   */
  testList?: Pick<ProviderRequestOptions<unknown>, 'path' | 'schema'>;
}

/**
 * The part of a {@link ProviderApiDefinition} for an API authenticated with
 * a bearer token: the `Authorization` header, and the token required by
 * the name errors give it (`admin API key`).
 *
 * @public
 */
export function bearerAuth(
  name: string,
  token: string | undefined,
): Pick<ProviderApiDefinition, 'headers' | 'requiredCredentials'> {
  return {
    headers: { Authorization: `Bearer ${token}` },
    requiredCredentials: { [name]: token },
  };
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
  const { defaultBaseUrl, requiredCredentials, testList, ...definition } = api;
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
  private readonly api: ProviderApiDefinition;

  protected constructor(
    options: ProviderClientOptions,
    api: ProviderApiDefinition,
  ) {
    this.http = createProviderHttpClient(options, api);
    this.now = options.now ?? Date.now;
    this.api = api;
  }

  /** Asks for one item of the definition's `testList`. */
  async testConnection(): Promise<void> {
    const { testList, providerName } = this.api;
    if (!testList) {
      throw new Error(`${providerName} client defines no connection test`);
    }
    await this.http.request({ ...testList, query: { limit: 1 } });
  }
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

/**
 * An {@link LlmProvider} whose client is a {@link ProviderApiClient}: the
 * provider's facts, and how its client is made from the account's
 * {@link providerClientOptions} and credentials.
 *
 * @public
 */
export interface ApiProviderDefinition
  extends Omit<LlmProvider, 'createClient'> {
  client(
    options: ProviderClientOptions,
    account: ProviderAccount,
  ): LlmProviderClient;
}

/**
 * The {@link LlmProvider} of a definition: `createClient` passes the
 * account's {@link providerClientOptions} to `client`.
 *
 * @public
 */
export function defineApiProvider(
  definition: ApiProviderDefinition,
): LlmProvider {
  const { client, ...provider } = definition;
  return {
    ...provider,
    createClient: (account, context) =>
      client(providerClientOptions(provider.id, account, context), account),
  };
}

/**
 * The endpoint of an API served from its default base URL's host only.
 *
 * @public
 */
export function endpointAt(defaultBaseUrl: string): ProviderEndpoint {
  return { defaultBaseUrl, knownHosts: [new URL(defaultBaseUrl).hostname] };
}

/**
 * A credential an account cannot do without, write-only like every secret.
 *
 * @public
 */
export function requiredSecret(
  name: string,
  label: string,
): ProviderCredentialField {
  return { name, label, secret: true, required: true };
}
