import type {
  ApiKey,
  KeyListQuery,
  KeyListResponse,
  ProviderAccountSummary,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/** A key as the API returns it, for tests. */
export function apiKey(id: string, overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id,
    accountId: 'openai-main',
    accountName: 'OpenAI main',
    provider: 'openai',
    providerKeyId: `pk-${id}`,
    providerProjectId: null,
    name: `Key ${id}`,
    maskedHint: 'sk-…abcd',
    status: 'active',
    source: 'provider',
    ownerRef: 'group:default/ai-team',
    componentRef: 'component:default/chatbot',
    notes: null,
    tags: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    expiresAt: null,
    expiryState: 'none',
    lastUsedAt: '2025-01-30T00:00:00.000Z',
    limit: null,
    providerUsage: null,
    month: {
      inputTokens: 1000,
      outputTokens: 500,
      requests: 10,
      cost: [{ currency: 'USD', amount: '1.25' }],
    },
    hasSecret: false,
    lastError: null,
    syncedAt: '2025-01-30T00:00:00.000Z',
    removedAtProviderAt: null,
    capabilities: { setEnabledAtProvider: true, deleteAtProvider: true },
    updatedAt: '2025-01-30T00:00:00.000Z',
    ...overrides,
  };
}

export function account(
  id: string,
  overrides: Partial<ProviderAccountSummary> = {},
): ProviderAccountSummary {
  return {
    id,
    provider: 'openai',
    providerDisplayName: 'OpenAI',
    providerInstalled: true,
    name: id,
    ownerRef: null,
    source: 'api',
    status: 'ok',
    lastSyncAt: '2025-01-30T00:00:00.000Z',
    lastError: null,
    capabilities: ['keys.list'],
    currency: 'USD',
    billingUrl: null,
    manualKeyRegistration: false,
    credentialsSet: ['adminKey'],
    settings: {},
    schedule: { usageEveryMinutes: 60, keysEveryMinutes: 1440 },
    keyCount: 1,
    balances: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A `listKeys` that pages and counts a fixed set of keys. */
export function keyListFrom(keys: ApiKey[]) {
  return jest.fn(async (query: KeyListQuery = {}): Promise<KeyListResponse> => {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 25;
    const matching = keys.filter(
      key =>
        (!query.status || query.status.includes(key.status)) &&
        (!query.expiry || query.expiry.includes(key.expiryState)),
    );
    return {
      items: matching.slice(offset, offset + limit),
      total: matching.length,
      offset,
      limit,
    };
  });
}
