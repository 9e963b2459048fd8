import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import {
  ProviderHttpClient,
  type LlmProvider,
  type LlmProviderClient,
  type ProviderClientContext,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import type { Knex } from 'knex';
import { HttpResponse, delay, http } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod/v3';
import { createTestDatabases } from '../__testUtils__/databases';
import { AccountService } from '../accounts/AccountService';
import { AccountStore, DEFAULT_SCHEDULE } from '../accounts/AccountStore';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { ProviderRegistry } from '../accounts/ProviderRegistry';
import { AuditLog } from '../audit/AuditLog';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { DatabaseKeyStore } from '../keys/DatabaseKeyStore';
import { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import { isAccountOwner, isKeyOwner } from '../permissions/rules';
import { SecretBox } from '../secrets/SecretBox';
import { AccountSync } from './AccountSync';
import { DatabaseProviderDataStore } from './DatabaseProviderDataStore';
import { SyncRunStore } from './SyncRunStore';
import { DatabaseSyncRunStore } from './DatabaseSyncRunStore';

/*
 * Provider faults injected at the HTTP level (msw) while an account syncs:
 * timeouts, 429 storms, 500s and truncated JSON. A sync fetches everything
 * before it writes anything, so a fault must leave the last good keys, usage
 * and balances as they were, and the failure must show in the sync history
 * and on the account.
 *
 * The provider is a small one written here on the shared ProviderHttpClient,
 * so its retries, timeouts and body validation are the real ones.
 */

jest.setTimeout(120_000);

const BASE = 'https://faulty-ai.test/v1';
const ACCOUNT = 'faulty-account';
const TODAY = '2026-11-20';
const NOW = Date.parse(`${TODAY}T12:00:00Z`);

const keysSchema = z.object({
  data: z.array(
    z.object({ id: z.string(), name: z.string(), hint: z.string() }),
  ),
});
const usageSchema = z.object({
  data: z.array(
    z.object({
      date: z.string(),
      key: z.string(),
      model: z.string(),
      input: z.number(),
      output: z.number(),
    }),
  ),
});
const balanceSchema = z.object({ available: z.string() });

/** A provider on the shared HTTP client: keys, usage by key and model, balance. */
const faultyProvider: LlmProvider = {
  id: 'faulty',
  displayName: 'Faulty AI',
  capabilities: ['keys.list', 'usage.byKey', 'usage.byModel', 'balance'],
  currency: 'USD',
  credentialFields: [
    { name: 'apiKey', label: 'API key', secret: true, required: true },
  ],
  createClient(account, context: ProviderClientContext): LlmProviderClient {
    const client = new ProviderHttpClient({
      providerName: 'Faulty AI',
      baseUrl: BASE,
      logger: context.logger,
      headers: { authorization: `Bearer ${account.credentials.apiKey}` },
      fetch: context.fetch,
      timeoutMs: context.http?.timeoutMs,
      retry: context.http?.retry,
      sleep: context.http?.sleep,
    });
    return {
      async testConnection() {
        await client.request({ path: '/keys', schema: keysSchema });
      },
      async listKeys() {
        const { data } = await client.request({
          path: '/keys',
          schema: keysSchema,
        });
        return data.map(key => ({
          providerKeyId: key.id,
          name: key.name,
          maskedHint: key.hint,
          status: 'active' as const,
          providerProjectId: null,
          createdAt: null,
          lastUsedAt: null,
          expiresAt: null,
          limit: null,
          usage: null,
        }));
      },
      async fetchUsage(range) {
        const { data } = await client.request({
          path: '/usage',
          query: { from: range.from, to: range.to },
          schema: usageSchema,
        });
        return data.map(row => ({
          date: row.date,
          providerKeyId: row.key,
          model: row.model,
          providerProjectId: '',
          inputTokens: row.input,
          outputTokens: row.output,
          cachedTokens: 0,
          requests: null,
        }));
      },
      async fetchBalances() {
        const { available } = await client.request({
          path: '/balance',
          schema: balanceSchema,
        });
        return [
          {
            currency: 'USD',
            available,
            total: null,
            used: null,
            readAt: new Date(NOW).toISOString(),
          },
        ];
      },
    };
  },
};

/**
 * What the provider answers when it is healthy. Version 2 differs in every
 * part a sync writes: a third key, new hints, more tokens, a lower balance.
 */
function goodProvider(version: 'v1' | 'v2') {
  const keys = [
    { id: 'k1', name: 'first', hint: `sk-...${version}01` },
    { id: 'k2', name: 'second', hint: `sk-...${version}02` },
  ];
  if (version === 'v2')
    keys.push({ id: 'k3', name: 'third', hint: 'sk-...v203' });
  const tokens = version === 'v1' ? 100 : 150;
  return [
    http.get(`${BASE}/keys`, () => HttpResponse.json({ data: keys })),
    http.get(`${BASE}/usage`, () =>
      HttpResponse.json({
        data: [
          { date: TODAY, key: 'k1', model: 'm1', input: tokens, output: 10 },
          {
            date: TODAY,
            key: 'k2',
            model: 'm2',
            input: tokens * 2,
            output: 20,
          },
        ],
      }),
    ),
    http.get(`${BASE}/balance`, () =>
      HttpResponse.json({ available: version === 'v1' ? '50.25' : '40.5' }),
    ),
  ];
}

/** A ruleset holding the plugin's one owner rule. */
function rulesetOf<T extends { name: string }>(rule: T) {
  return {
    getRuleByName(name: string) {
      if (name !== rule.name) throw new Error(`No rule ${name}`);
      return rule;
    },
  } as any;
}

const databases = createTestDatabases();
const server = setupServer();
registerMswTestHooks(server);

describe.each(databases.eachSupportedId())('sync faults on %p', databaseId => {
  let knex: Knex;
  let sync: AccountSync;
  let runs: SyncRunStore;
  let accountStore: AccountStore;
  const attempts: Record<string, number> = {};

  async function snapshot() {
    const keys = await knex('llm_usage_keys')
      .select('provider_key_id', 'name', 'masked_hint', 'status')
      .where('account_id', ACCOUNT)
      .orderBy('provider_key_id');
    const usage = await knex('llm_usage_provider_usage')
      .select('provider_key_id', 'model', 'input_tokens', 'output_tokens')
      .where('account_id', ACCOUNT)
      .orderBy(['provider_key_id', 'model']);
    const balances = await knex('llm_usage_balances')
      .select('currency', 'available_nanos')
      .where('account_id', ACCOUNT)
      .orderBy('id');
    return {
      keys,
      usage: usage.map(row => ({
        ...row,
        input_tokens: Number(row.input_tokens),
        output_tokens: Number(row.output_tokens),
      })),
      balances: balances.map(row => ({
        currency: row.currency,
        available: String(row.available_nanos),
      })),
    };
  }

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    const logger = mockServices.logger.mock();
    const registry = new ProviderRegistry();
    registry.add(faultyProvider);
    accountStore = new DatabaseAccountStore(knex);
    const data = new DatabaseProviderDataStore(knex);
    runs = new DatabaseSyncRunStore(knex);
    const accounts = new AccountService({
      store: accountStore,
      data,
      registry,
      secrets: new SecretBox(undefined),
      configCredentials: new Map([[ACCOUNT, { apiKey: 'sk-test-secret' }]]),
      audit: new AuditLog(knex, mockServices.auditor.mock()),
      authorizer: new LlmUsageAuthorizer(mockServices.permissions.mock(), {
        keys: rulesetOf(isKeyOwner),
        accounts: rulesetOf(isAccountOwner),
      }),
      logger,
      clientContext: {
        // Fast and deterministic: short timeouts, three attempts, no waiting.
        http: {
          timeoutMs: 500,
          retry: { maxAttempts: 3 },
          sleep: async () => {},
        },
        // Counts attempts per path, then lets msw answer.
        fetch: async (input, init) => {
          const path = new URL(String(input)).pathname;
          attempts[path] = (attempts[path] ?? 0) + 1;
          return fetch(input, init);
        },
      },
    });
    await accountStore.create(
      {
        id: ACCOUNT,
        provider: 'faulty',
        name: 'Faulty',
        ownerRef: 'group:default/team-a',
        source: 'config',
        credentialsEncrypted: null,
        settings: {},
        schedule: DEFAULT_SCHEDULE,
      },
      NOW,
    );
    sync = new AccountSync({
      db: knex,
      accounts,
      accountStore,
      keys: new DatabaseKeyStore(knex),
      data,
      runs,
      logger,
      now: () => NOW,
    });
  });

  beforeEach(() => {
    for (const path of Object.keys(attempts)) delete attempts[path];
  });

  let lastGood: Awaited<ReturnType<typeof snapshot>>;

  it('stores a good sync', async () => {
    server.use(...goodProvider('v1'));
    const run = await sync.syncNow(ACCOUNT);
    expect(run.status).toBe('succeeded');
    lastGood = await snapshot();
    expect(lastGood.keys.map(k => k.masked_hint)).toEqual([
      'sk-...v101',
      'sk-...v102',
    ]);
    expect(lastGood.usage).toHaveLength(2);
    expect(lastGood.balances).toEqual([
      { currency: 'USD', available: '50250000000' },
    ]);
    expect((await accountStore.get(ACCOUNT))?.status).toBe('ok');
  });

  /** The faulty endpoint comes last, so the others already answered new data. */
  const FAULTS: Array<{
    name: string;
    handler: () => ReturnType<typeof http.get>;
    error: RegExp;
    attemptsAtBalance: number;
  }> = [
    {
      name: 'a 500 on every attempt',
      handler: () =>
        http.get(`${BASE}/balance`, () =>
          HttpResponse.json({ error: { message: 'boom' } }, { status: 500 }),
        ),
      error: /500|boom/,
      attemptsAtBalance: 3,
    },
    {
      name: 'a 429 storm with Retry-After',
      handler: () =>
        http.get(`${BASE}/balance`, () =>
          HttpResponse.json(
            { error: { message: 'slow down' } },
            { status: 429, headers: { 'Retry-After': '1' } },
          ),
        ),
      error: /429|slow down|rate/i,
      attemptsAtBalance: 3,
    },
    {
      name: 'a timeout',
      handler: () =>
        http.get(`${BASE}/balance`, async () => {
          await delay(2_000);
          return HttpResponse.json({ available: '1' });
        }),
      error: /time/i,
      attemptsAtBalance: 3,
    },
    {
      name: 'truncated JSON',
      handler: () =>
        http.get(
          `${BASE}/balance`,
          () =>
            new HttpResponse('{"available": "12', {
              headers: { 'Content-Type': 'application/json' },
            }),
        ),
      error: /JSON|parse|body/i,
      attemptsAtBalance: 1,
    },
  ];

  it.each(FAULTS.map(fault => [fault.name, fault] as const))(
    'keeps the last good data and records the failure on %s',
    async (_name, fault) => {
      const runsBefore = await knex('llm_usage_sync_runs').count({ n: '*' });
      // msw tries handlers in order: the fault shadows the good balance.
      server.use(fault.handler(), ...goodProvider('v2'));

      const run = await sync.syncNow(ACCOUNT);

      expect(run.status).toBe('failed');
      expect(run.error).toMatch(fault.error);
      // The client retried as its policy says, and never leaked the key.
      expect(attempts['/v1/balance']).toBe(fault.attemptsAtBalance);
      expect(run.error).not.toContain('sk-test-secret');
      // Nothing of the new (v2) keys, usage or balance was written, though
      // the keys and usage endpoints had answered before the fault.
      expect(await snapshot()).toEqual(lastGood);
      // The failure is in the sync history and on the account.
      const runsAfter = await knex('llm_usage_sync_runs').count({ n: '*' });
      expect(Number(runsAfter[0].n)).toBe(Number(runsBefore[0].n) + 1);
      const account = await accountStore.get(ACCOUNT);
      expect(account?.status).toBe('error');
      expect(account?.lastError).toMatch(fault.error);
    },
  );

  it('recovers on the next good sync', async () => {
    server.use(...goodProvider('v2'));
    const run = await sync.syncNow(ACCOUNT);
    expect(run.status).toBe('succeeded');
    const now = await snapshot();
    expect(now.keys.map(k => k.masked_hint)).toEqual([
      'sk-...v201',
      'sk-...v202',
      'sk-...v203',
    ]);
    expect(now.usage.map(u => u.input_tokens)).toEqual([150, 300]);
    expect(now.balances).toEqual([
      { currency: 'USD', available: '50250000000' },
      { currency: 'USD', available: '40500000000' },
    ]);
    const account = await accountStore.get(ACCOUNT);
    expect(account?.status).toBe('ok');
    expect(account?.lastError).toBeNull();
  });
});
