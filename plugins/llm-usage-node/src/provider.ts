import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RetryPolicy } from './http/retryPolicy';

/** What a provider's admin API lets us do. @public */
export type ProviderCapability =
  | 'keys.list'
  | 'keys.create'
  | 'keys.setEnabled'
  | 'keys.setLimit'
  | 'keys.delete'
  | 'usage.byKey'
  | 'usage.byModel'
  | 'usage.byProject'
  | 'costs'
  | 'balance';

/** A form field an account needs (shown in Settings; secrets are write-only). @public */
export interface ProviderCredentialField {
  name: string;
  /** Shown to the admin; English, the frontend may translate by `name`. */
  label: string;
  secret: boolean;
  required: boolean;
}

/**
 * One configured account at a provider, as handed to {@link LlmProvider.createClient}.
 * `credentials` hold decrypted secrets: never log or return them.
 *
 * @public
 */
export interface ProviderAccount {
  id: string;
  provider: string;
  name: string;
  credentials: Record<string, string>;
  /** Non-secret settings such as a base URL override or an organization id. */
  settings: Record<string, string>;
}

/** @public */
export type ProviderKeyStatus = 'active' | 'disabled' | 'archived' | 'expired';

/** A money amount: exact decimal string in one currency. @public */
export interface ProviderMoney {
  amount: string;
  currency: string;
}

/** A key as the provider reports it. @public */
export interface ProviderKey {
  /** The provider's id of the key (never the secret). */
  providerKeyId: string;
  name: string;
  /** e.g. `sk-...abcd`; null when the provider shows none. */
  maskedHint: string | null;
  status: ProviderKeyStatus;
  /** The provider's project / workspace the key belongs to, if any. */
  providerProjectId: string | null;
  createdAt: string | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
  /** Spending limit set at the provider, if any. */
  limit: ProviderMoney | null;
  /** Spend the provider reports for the key itself, if any. */
  usage: ProviderMoney | null;
}

/** Token usage for one UTC day and (key, model, project) as the provider reports it. @public */
export interface ProviderUsageRecord {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  /** '' when the provider does not split by it. */
  providerKeyId: string;
  model: string;
  providerProjectId: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  requests: number | null;
}

/** Cost for one UTC day and (key, model, project, line item). @public */
export interface ProviderCostRecord {
  date: string;
  providerKeyId: string;
  model: string;
  providerProjectId: string;
  /** Free text line item, e.g. "input tokens"; '' when none. */
  lineItem: string;
  amount: string;
  currency: string;
}

/** A balance or credit reading. @public */
export interface ProviderBalance {
  currency: string;
  /** What is left to spend. */
  available: string;
  /** Total credits bought / granted, when reported. */
  total: string | null;
  /** Spent so far, when reported. */
  used: string | null;
  /** ISO 8601 time of the reading. */
  readAt: string;
}

/** @public */
export interface ProviderDateRange {
  /** First UTC day, inclusive (`YYYY-MM-DD`). */
  from: string;
  /** Last UTC day, inclusive (`YYYY-MM-DD`). */
  to: string;
}

/** @public */
export interface CreatedProviderKey {
  key: ProviderKey;
  /** Shown once to the creator; stored only encrypted, if at all. */
  secret: string;
}

/**
 * A client for one account. Methods exist only for the provider's
 * capabilities. Each throws a {@link ProviderError} subclass on failure and
 * returns complete data or nothing: a malformed page fails the whole call.
 *
 * @public
 */
export interface LlmProviderClient {
  /** Cheapest authenticated call, for "test connection". */
  testConnection(): Promise<void>;
  listKeys?(): Promise<ProviderKey[]>;
  createKey?(input: {
    name: string;
    limit?: ProviderMoney;
  }): Promise<CreatedProviderKey>;
  setKeyEnabled?(providerKeyId: string, enabled: boolean): Promise<void>;
  /** Changes the key's spending limit (null removes it); returns the key as it is now. */
  setKeyLimit?(
    providerKeyId: string,
    limit: ProviderMoney | null,
  ): Promise<ProviderKey>;
  /**
   * `key.providerProjectId` is the project the key was listed under, when
   * known: providers whose delete is per project use it instead of searching.
   */
  deleteKey?(
    providerKeyId: string,
    key?: { providerProjectId: string | null },
  ): Promise<void>;
  fetchUsage?(range: ProviderDateRange): Promise<ProviderUsageRecord[]>;
  fetchCosts?(range: ProviderDateRange): Promise<ProviderCostRecord[]>;
  fetchBalances?(): Promise<ProviderBalance[]>;
}

/** @public */
export interface ProviderClientContext {
  logger: LoggerService;
  /** Defaults to the global fetch; tests and proxies may replace it. */
  fetch?: typeof fetch;
  /**
   * Overrides of the HTTP client's per-attempt timeout, retry policy and
   * backoff sleep (from the backend's config, or tests that must not wait).
   */
  http?: {
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    sleep?: (ms: number) => Promise<void>;
  };
}

/**
 * Where a provider's API lives. The backend sends an account's credentials
 * only there (https, one of `knownHosts`) or to a base URL the operator
 * allowed in app-config; an account's `settings.baseUrl` from the API is
 * checked against both.
 *
 * @public
 */
export interface ProviderEndpoint {
  /** The client's default, e.g. `https://api.openai.com/v1`. */
  defaultBaseUrl: string;
  /** Host names (no port) the provider's API is served from. */
  knownHosts: string[];
}

/**
 * A provider integration, contributed by a backend module through
 * {@link llmUsageProvidersExtensionPoint}.
 *
 * @public
 */
export interface LlmProvider {
  /** Stable id used in config and data, e.g. `openai`. */
  id: string;
  displayName: string;
  capabilities: ProviderCapability[];
  /** The currency costs and balances are reported in. */
  currency: string;
  credentialFields: ProviderCredentialField[];
  /** Where an admin tops up or sees billing; may use `{accountId}`-free plain URLs. */
  billingUrl?: string;
  /** Shown in the UI when keys cannot be listed and must be registered by hand. */
  manualKeyRegistration?: boolean;
  /**
   * Where the API lives. Without it, an account of this provider may only
   * use a base URL allowed in app-config.
   */
  endpoint?: ProviderEndpoint;
  /**
   * Settings besides `baseUrl` that decide where the credentials are sent:
   * changing one through the API requires entering the credentials again.
   */
  destinationSettings?: string[];
  createClient(
    account: ProviderAccount,
    context: ProviderClientContext,
  ): LlmProviderClient;
}
