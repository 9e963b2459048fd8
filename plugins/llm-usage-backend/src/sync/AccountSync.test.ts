import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { openRouterProvider } from '@llm-usage/backstage-plugin-llm-usage-backend-module-openrouter';
import { http, HttpResponse, delay } from 'msw';
import {
  captureLogger,
  createProviderTestServer,
} from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import { createTestDatabases } from '../__testUtils__/databases';
import { AccountService } from '../accounts/AccountService';
import { DEFAULT_SCHEDULE } from '../accounts/AccountStore';
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
import { DatabaseSyncRunStore } from './DatabaseSyncRunStore';

/*
 * The scheduled sync end to end with the real OpenRouter module, its HTTP
 * answered by msw: what lands in the database after each kind of provider
 * answer, on SQLite and PostgreSQL.
 */

jest.setTimeout(120_000);

const BASE = 'https://openrouter.ai/api/v1';
const SECRET = 'sk-or-v1-THIS-IS-THE-SECRET-management-key';
const NOW = Date.parse('2026-11-20T12:00:00Z');

const server = createProviderTestServer();
const databases = createTestDatabases();

const key = (hash: string, extra: Record<string, unknown> = {}) => ({
  hash,
  name: `Key ${hash}`,
  label: `sk-or-v1-abc...${hash.slice(-4)}`,
  disabled: false,
  limit: 100,
  usage: 25.123456789,
  created_at: '2026-10-01T10:00:00Z',
  expires_at: '2027-01-01T00:00:00Z',
  workspace_id: 'ws-1',
  ...extra,
});

const activity = (date: string, usage: number, requests = 5) => ({
  date,
  model: 'openai/gpt-4.1',
  usage,
  requests,
  prompt_tokens: 50,
  completion_tokens: 125,
});

/** Answers GET /keys by offset: pages of two, then a short page. */
function keysHandler(keys: unknown[]) {
  return http.get(`${BASE}/keys`, ({ request }) => {
    const offset = Number(new URL(request.url).searchParams.get('offset'));
    return HttpResponse.json({ data: keys.slice(offset, offset + 2) });
  });
}

describe.each(databases.eachSupportedId())('AccountSync on %p', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    const { logger, lines } = captureLogger();
    const registry = new ProviderRegistry();
    registry.add(openRouterProvider);
    const secrets = new SecretBox(SecretBox.keyFrom('x'.repeat(64)));
    const accountStore = new DatabaseAccountStore(knex);
    await accountStore.create({
      id: 'or-main',
      provider: 'openrouter',
      name: 'OpenRouter',
      ownerRef: 'group:default/ml-team',
      source: 'api',
      credentialsEncrypted: secrets.encryptJson({ managementKey: SECRET }),
      settings: {},
      schedule: DEFAULT_SCHEDULE,
    });
    const data = new DatabaseProviderDataStore(knex);
    const keys = new DatabaseKeyStore(knex);
    const runs = new DatabaseSyncRunStore(knex);
    const sleeps: number[] = [];
    const accounts = new AccountService({
      store: accountStore,
      data,
      registry,
      secrets,
      configCredentials: new Map(),
      audit: new AuditLog(knex, mockServices.auditor.mock()),
      authorizer: new LlmUsageAuthorizer(mockServices.permissions(), {
        keys: { getRuleByName: () => isKeyOwner },
        accounts: { getRuleByName: () => isAccountOwner },
      }),
      logger,
      clientContext: {
        http: {
          timeoutMs: 300,
          sleep: async ms => {
            sleeps.push(ms);
          },
        },
      },
    });
    let now = NOW;
    const sync = new AccountSync({
      db: knex,
      accounts,
      accountStore,
      keys,
      data,
      runs,
      logger,
      now: () => now,
    });
    const run = async () =>
      sync.sync((await accountStore.get('or-main'))!, 'all', 'manual');
    const stored = async () => ({
      keys: await knex('llm_usage_keys')
        .select(
          'provider_key_id',
          'name',
          'masked_hint',
          'status',
          'limit_nanos',
          'usage_nanos',
          'expires_at',
          'provider_project_id',
          'removed_at',
        )
        .orderBy('provider_key_id'),
      usage: await knex('llm_usage_provider_usage')
        .select(
          'day_start',
          'provider_key_id',
          'model',
          'currency',
          'input_tokens',
          'output_tokens',
          'requests',
          'cost_nanos',
        )
        .orderBy(['provider_key_id', 'day_start']),
      balances: await knex('llm_usage_balances')
        .select('currency', 'available_nanos', 'total_nanos', 'used_nanos')
        .orderBy('id'),
    });
    return {
      knex,
      run,
      stored,
      lines,
      sleeps,
      accountStore,
      accounts,
      advance: (ms: number) => (now += ms),
    };
  }

  function goodProvider(keyList: object[] = [key('k1'), key('k2'), key('k3')]) {
    server.use(
      keysHandler(keyList),
      http.get(`${BASE}/activity`, ({ request }) => {
        const hash = new URL(request.url).searchParams.get('api_key_hash');
        return HttpResponse.json({
          data:
            hash === 'k1'
              ? [activity('2026-11-19', 0.1), activity('2026-11-20', 0.2)]
              : [activity('2026-11-19', 1.000000001, 2)],
        });
      }),
      http.get(`${BASE}/credits`, () =>
        HttpResponse.json({
          data: { total_credits: 100.5, total_usage: 25.75 },
        }),
      ),
    );
  }

  const num = (value: unknown) => Number(value);

  it('stores every page of keys, daily usage and the balance exactly', async () => {
    const s = await setup();
    goodProvider();

    const result = await s.run();

    expect(result).toMatchObject({
      status: 'succeeded',
      scope: 'all',
      trigger: 'manual',
      error: null,
    });
    const { keys, usage, balances } = await s.stored();
    expect(keys.map(k => k.provider_key_id)).toEqual(['k1', 'k2', 'k3']);
    expect(keys[0]).toMatchObject({
      name: 'Key k1',
      masked_hint: 'sk-or-v1-abc...k1',
      status: 'active',
      provider_project_id: 'ws-1',
    });
    expect(String(keys[0].limit_nanos)).toBe('100000000000');
    expect(String(keys[0].usage_nanos)).toBe('25123456789');
    expect(
      usage.map(row => [
        new Date(num(row.day_start)).toISOString().slice(0, 10),
        row.provider_key_id,
        String(row.cost_nanos),
        num(row.input_tokens),
        num(row.requests),
      ]),
    ).toEqual([
      ['2026-11-19', 'k1', '100000000', 50, 5],
      ['2026-11-20', 'k1', '200000000', 50, 5],
      ['2026-11-19', 'k2', '1000000001', 50, 2],
      ['2026-11-19', 'k3', '1000000001', 50, 2],
    ]);
    expect(usage.every(row => row.currency === 'USD')).toBe(true);
    expect(balances.map(b => String(b.available_nanos))).toEqual([
      '74750000000',
    ]);
    expect(result.items).toBe(3 + 4 + 1);
    const account = await s.accountStore.get('or-main');
    expect(account).toMatchObject({ status: 'ok', lastError: null });
  });

  it('replaces a re-synced day instead of counting it twice, and marks keys gone at the provider', async () => {
    const s = await setup();
    goodProvider();
    await s.run();
    goodProvider([key('k1'), key('k2')]);
    s.advance(3_600_000);
    await s.run();

    const { keys, usage } = await s.stored();
    expect(usage.filter(row => row.provider_key_id === 'k1')).toHaveLength(2);
    expect(usage.filter(row => row.provider_key_id === 'k3')).toHaveLength(0);
    expect(keys.find(k => k.provider_key_id === 'k3')?.removed_at).not.toBe(
      null,
    );
    expect(keys.find(k => k.provider_key_id === 'k1')?.removed_at).toBe(null);
  });

  it('stores empty activity as no usage and succeeds', async () => {
    const s = await setup();
    server.use(
      keysHandler([key('k1')]),
      http.get(`${BASE}/activity`, () => HttpResponse.json({ data: [] })),
      http.get(`${BASE}/credits`, () =>
        HttpResponse.json({ data: { total_credits: 0, total_usage: 0 } }),
      ),
    );
    const result = await s.run();
    expect(result.status).toBe('succeeded');
    const { usage, balances } = await s.stored();
    expect(usage).toEqual([]);
    expect(balances.map(b => String(b.available_nanos))).toEqual(['0']);
  });

  it('stores keys without the optional fields as nulls', async () => {
    const s = await setup();
    goodProvider([
      {
        hash: 'bare',
        name: 'Bare key',
        disabled: true,
        usage: 0,
        created_at: '2026-10-01T10:00:00Z',
      },
    ]);
    expect((await s.run()).status).toBe('succeeded');
    const { keys } = await s.stored();
    expect(keys).toEqual([
      expect.objectContaining({
        provider_key_id: 'bare',
        status: 'disabled',
        masked_hint: null,
        limit_nanos: null,
        expires_at: null,
        provider_project_id: null,
      }),
    ]);
  });

  it('retries a 500 and a 429 (honouring Retry-After) and then succeeds', async () => {
    const s = await setup();
    goodProvider();
    let credits = 0;
    server.use(
      http.get(`${BASE}/credits`, () => {
        credits += 1;
        if (credits === 1) {
          return new HttpResponse('boom', { status: 500 });
        }
        if (credits === 2) {
          return new HttpResponse('slow down', {
            status: 429,
            headers: { 'Retry-After': '7' },
          });
        }
        return HttpResponse.json({
          data: { total_credits: 10, total_usage: 1 },
        });
      }),
    );
    const result = await s.run();
    expect(result.status).toBe('succeeded');
    expect(credits).toBe(3);
    expect(s.sleeps).toContain(7000);
    expect((await s.stored()).balances).toHaveLength(1);
  });

  describe('failures keep the last good data', () => {
    async function afterGoodSync() {
      const s = await setup();
      goodProvider();
      await s.run();
      const before = await s.stored();
      s.advance(3_600_000);
      return { s, before };
    }

    it.each([
      [
        '401',
        () => new HttpResponse('{"error":"bad key"}', { status: 401 }),
        /rejected|credentials|401/i,
      ],
      [
        'malformed JSON',
        () =>
          new HttpResponse('{"data": [', {
            headers: { 'Content-Type': 'application/json' },
          }),
        /OpenRouter/,
      ],
      [
        'a timeout',
        async () => {
          await delay(2_000);
          return HttpResponse.json({ data: [] });
        },
        /OpenRouter/,
      ],
    ])('on %s', async (_name, respond, message) => {
      const { s, before } = await afterGoodSync();
      server.use(http.get(`${BASE}/activity`, respond));

      const result = await s.run();

      expect(result.status).toBe('failed');
      expect(result.error).toMatch(message);
      expect(await s.stored()).toEqual(before);
      const account = await s.accountStore.get('or-main');
      expect(account?.status).toBe('error');
      expect(account?.lastError).toBe(result.error);
      // The secret is nowhere: not in the run, the account view or a log.
      const summary = JSON.stringify(
        await s.accounts.get(mockCredentials.user(), 'or-main'),
      );
      for (const text of [JSON.stringify(result), summary, ...s.lines]) {
        expect(text).not.toContain('THIS-IS-THE-SECRET');
      }
      expect(summary).toContain('"credentialsSet":["managementKey"]');
    });
  });
});
