import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { LlmProvider } from '@llm-usage/backstage-plugin-llm-usage-node';

/** The setting every provider client reads its API's location from. */
export const BASE_URL_SETTING = 'baseUrl';

/**
 * Base URLs the operator allows per provider, from
 * `llmUsage.providers.<id>.allowedBaseUrls` (e.g. a company proxy). Only
 * app-config can widen where credentials go; the API never can.
 */
export type AllowedBaseUrls = ReadonlyMap<string, readonly string[]>;

export function readAllowedBaseUrls(config: Config): AllowedBaseUrls {
  const providers = config.getOptionalConfig('llmUsage.providers');
  const allowed = new Map<string, string[]>();
  for (const id of providers?.keys() ?? []) {
    const urls =
      providers!.getOptionalStringArray(`${id}.allowedBaseUrls`) ?? [];
    allowed.set(
      id,
      urls.map((url, index) => {
        try {
          return normalizeBaseUrl(new URL(url));
        } catch {
          throw new Error(
            `llmUsage.providers.${id}.allowedBaseUrls[${index}] is not a URL`,
          );
        }
      }),
    );
  }
  return allowed;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Origin and path without a trailing slash, so equal URLs compare equal. */
function normalizeBaseUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Refuses a base URL the account's credentials must not be sent to: anything
 * but https to one of the provider's known hosts, unless app-config lists
 * the URL (or a prefix of its path) for the provider. IP literals, internal
 * names, `http:` and `file:` never match a known host, so they are refused.
 */
export function checkBaseUrl(
  provider: LlmProvider,
  value: string | undefined,
  allowed: AllowedBaseUrls,
): void {
  if (value === undefined || value === '') {
    return; // the provider's default
  }
  const refuse = (why: string) =>
    new InputError(
      `Invalid field 'settings.${BASE_URL_SETTING}': ${why}. ${
        provider.displayName
      } credentials are sent only over https to ${
        provider.endpoint?.knownHosts.join(', ') || 'its default host'
      }, or to a base URL allowed in llmUsage.providers.${
        provider.id
      }.allowedBaseUrls`,
    );
  const url = parseUrl(value);
  if (!url) {
    throw refuse('not a URL');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw refuse('must not carry user info, a query or a fragment');
  }
  const normalized = normalizeBaseUrl(url);
  const byConfig = (allowed.get(provider.id) ?? []).some(
    entry => normalized === entry || normalized.startsWith(`${entry}/`),
  );
  if (byConfig) {
    return;
  }
  if (url.protocol !== 'https:') {
    throw refuse(`'${url.protocol}' is not https`);
  }
  const host = url.hostname.toLowerCase();
  if (!provider.endpoint?.knownHosts.includes(host) || url.port !== '') {
    throw refuse(`'${url.host}' is not a known host of the provider`);
  }
}

/** Whether an update moves the credentials to another destination. */
export function changesDestination(
  provider: LlmProvider,
  before: Record<string, string>,
  after: Record<string, string>,
): string | undefined {
  return [BASE_URL_SETTING, ...(provider.destinationSettings ?? [])].find(
    name => (before[name] ?? '') !== (after[name] ?? ''),
  );
}
