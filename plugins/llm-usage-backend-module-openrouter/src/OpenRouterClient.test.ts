import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  ProviderAuthError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { delay, http, HttpResponse } from 'msw';
import {
  createProviderTestServer,
  guardLogsAgainst,
} from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import activityFixture from './__fixtures__/openrouter-activity.json';
import creditsFixture from './__fixtures__/openrouter-credits.json';
import currentKeyFixture from './__fixtures__/openrouter-key-current.json';
import legacyKeyFixture from './__fixtures__/openrouter-key-current.thirdparty-legacy.json';
import keysFixture from './__fixtures__/openrouter-keys-list.json';
import { OpenRouterClient, OpenRouterClientOptions } from './OpenRouterClient';
import { openRouterProvider } from './provider';

const BASE = 'https://openrouter.ai/api/v1';
const MANAGEMENT_KEY = 'sk-or-v1-THIS-IS-THE-SECRET-management';
const CREATED_SECRET = 'sk-or-v1-THIS-IS-THE-SECRET-created-key';
const NOW = Date.parse('2025-08-26T12:00:00Z');

const server = createProviderTestServer();
const logs = guardLogsAgainst(['THIS-IS-THE-SECRET']);

function setup(overrides: Partial<OpenRouterClientOptions> = {}) {
  const captured = { logger: logs.logger() };
  const sleep = jest.fn(async (_ms: number) => {});
  let now = NOW;
  const client = new OpenRouterClient({
    managementKey: MANAGEMENT_KEY,
    logger: captured.logger,
    sleep,
    random: () => 0.5,
    now: () => now,
    ...overrides,
  });
  return { client, sleep, advance: (ms: number) => (now += ms) };
}

function route(
  method: 'get' | 'post' | 'patch' | 'delete',
  path: string,
  ...responses: Array<(req: Request) => Response | Promise<Response>>
) {
  const requests: Request[] = [];
  server.use(
    http[method](`${BASE}${path}`, async ({ request }) => {
      requests.push(request.clone());
      return responses[Math.min(requests.length, responses.length) - 1](
        request,
      );
    }),
  );
  return requests;
}

const json = (body: unknown, init?: ResponseInit) => () =>
  HttpResponse.json(body as any, init);
const query = (req: Request) => new URL(req.url).searchParams;

const fixtureKey = keysFixture.data[0];
const key = (hash: string, extra: Record<string, unknown> = {}) => ({
  ...fixtureKey,
  hash,
  name: `Key ${hash}`,
  ...extra,
});

/** Answers /keys by offset from a fixed list, `pageSize` at a time. */
function keyPages(all: unknown[], pageSize: number) {
  return route('get', '/keys', req => {
    const offset = Number(query(req).get('offset'));
    return HttpResponse.json({
      data: all.slice(offset, offset + pageSize),
    } as any);
  });
}

describe('OpenRouterClient.listKeys', () => {
  it('maps the official example', async () => {
    route('get', '/keys', json(keysFixture), json({ data: [] }));
    const { client } = setup();

    await expect(client.listKeys()).resolves.toEqual([
      {
        providerKeyId:
          'f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943',
        name: 'My Production Key',
        maskedHint: null, // the example's label is a name, not a redacted key
        status: 'active',
        providerProjectId: '0df9e665-d932-5740-b2c7-b52af166bc11',
        createdAt: '2025-08-24T10:30:00.000Z',
        lastUsedAt: null,
        expiresAt: '2027-12-31T23:59:59.000Z',
        limit: { amount: '100', currency: 'USD' },
        usage: { amount: '25.5', currency: 'USD' },
      },
    ]);
  });

  it('pages by offset until a short page, including disabled keys, without duplicates', async () => {
    const b = key('b', {
      disabled: true,
      label: 'sk-or-v1-0e6...1c96',
      limit: null,
      usage: 0.1,
      expires_at: undefined,
      workspace_id: undefined,
    });
    const all = [
      key('a'),
      b,
      b, // shifted by a key created while paging
      key('c', { expires_at: '2025-08-01T00:00:00Z' }),
      key('d'),
    ];
    const requests = keyPages(all, 2);
    const { client } = setup();

    const keys = await client.listKeys();

    expect(requests.map(r => query(r).get('offset'))).toEqual(['0', '2', '4']);
    expect(
      requests.every(r => query(r).get('include_disabled') === 'true'),
    ).toBe(true);
    expect(requests[0].headers.get('authorization')).toBe(
      `Bearer ${MANAGEMENT_KEY}`,
    );
    expect(keys.map(k => [k.providerKeyId, k.status])).toEqual([
      ['a', 'active'],
      ['b', 'disabled'],
      ['c', 'expired'],
      ['d', 'active'],
    ]);
    expect(keys[1]).toMatchObject({
      maskedHint: 'sk-or-v1-0e6...1c96',
      limit: null,
      usage: { amount: '0.1', currency: 'USD' },
      expiresAt: null,
      providerProjectId: null,
    });
  });

  it('stops on an empty page when everything fits in the first', async () => {
    const requests = keyPages([key('a'), key('b')], 100);
    const { client } = setup({ workspaceId: 'ws-1' });

    await expect(client.listKeys()).resolves.toHaveLength(2);
    expect(requests.map(r => query(r).get('offset'))).toEqual(['0', '2']);
    expect(query(requests[0]).get('workspace_id')).toBe('ws-1');
  });
});

describe('OpenRouterClient key lifecycle', () => {
  it('creates a key with a limit and returns its secret once, never logging it', async () => {
    const posts = route(
      'post',
      '/keys',
      json(
        {
          data: key('new', {
            name: 'ci-bot',
            label: 'sk-or-v1-abc...xyz',
            limit: 50,
            usage: 0,
          }),
          key: CREATED_SECRET,
        },
        { status: 201 },
      ),
    );
    const { client } = setup();

    const created = await client.createKey({
      name: 'ci-bot',
      limit: { amount: '50', currency: 'USD' },
    });

    expect(await posts[0].json()).toEqual({ name: 'ci-bot', limit: 50 });
    expect(created.secret).toBe(CREATED_SECRET);
    expect(created.key).toMatchObject({
      providerKeyId: 'new',
      name: 'ci-bot',
      maskedHint: 'sk-or-v1-abc...xyz',
      limit: { amount: '50', currency: 'USD' },
      usage: { amount: '0', currency: 'USD' },
    });
  });

  it('creates a key without a limit', async () => {
    const posts = route(
      'post',
      '/keys',
      json({ data: key('new'), key: CREATED_SECRET }),
    );
    const { client } = setup();

    await client.createKey({ name: 'plain' });

    expect(await posts[0].json()).toEqual({ name: 'plain' });
  });

  it('refuses a limit in another currency before calling the provider', async () => {
    const posts = route('post', '/keys', json({}));
    const { client } = setup();

    await expect(
      client.createKey({ name: 'x', limit: { amount: '10', currency: 'CNY' } }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      client.createKey({
        name: 'x',
        limit: { amount: '1e3', currency: 'USD' },
      }),
    ).rejects.toBeInstanceOf(InputError);
    expect(posts).toHaveLength(0);
  });

  it('does not repeat a create after a 500, which may have created the key', async () => {
    const posts = route(
      'post',
      '/keys',
      json({ error: { code: 500, message: 'Internal' } }, { status: 500 }),
    );
    const { client } = setup();

    await expect(client.createKey({ name: 'x' })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(posts).toHaveLength(1);
  });

  it('rejects a create response without the secret', async () => {
    route('post', '/keys', json({ data: key('new') }));
    const { client } = setup();

    await expect(client.createKey({ name: 'x' })).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });

  it('disables and enables by hash', async () => {
    const patches = route(
      'patch',
      '/keys/abc',
      json({ data: key('abc', { disabled: true }) }),
      json({ data: key('abc', { disabled: false }) }),
    );
    const { client } = setup();

    await client.setKeyEnabled('abc', false);
    await client.setKeyEnabled('abc', true);

    expect(await patches[0].json()).toEqual({ disabled: true });
    expect(await patches[1].json()).toEqual({ disabled: false });
  });

  it('fails when the key did not change', async () => {
    route(
      'patch',
      '/keys/abc',
      json({ data: key('abc', { disabled: false }) }),
    );
    const { client } = setup();

    await expect(client.setKeyEnabled('abc', false)).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });

  it('sets and clears a limit', async () => {
    const patches = route(
      'patch',
      '/keys/abc',
      json({ data: key('abc', { limit: 12.5 }) }),
      json({ data: key('abc', { limit: null }) }),
    );
    const { client } = setup();

    await expect(
      client.setKeyLimit('abc', { amount: '12.5', currency: 'USD' }),
    ).resolves.toMatchObject({
      limit: { amount: '12.5', currency: 'USD' },
    });
    await expect(client.setKeyLimit('abc', null)).resolves.toMatchObject({
      limit: null,
    });
    expect(await patches[0].json()).toEqual({ limit: 12.5 });
    expect(await patches[1].json()).toEqual({ limit: null });
  });

  it('deletes by hash', async () => {
    const deletes = route('delete', '/keys/abc', json({ deleted: true }));
    const { client } = setup();

    await client.deleteKey('abc');

    expect(deletes).toHaveLength(1);
  });
});

describe('OpenRouterClient activity', () => {
  const range = { from: '2025-08-20', to: '2025-08-25' };

  function activityByKey(byHash: Record<string, unknown[]>) {
    return route('get', '/activity', req => {
      const hash = query(req).get('api_key_hash') ?? '';
      return HttpResponse.json({ data: byHash[hash] ?? [] } as any);
    });
  }

  it('reads activity once per key and maps usage and exact costs per key and model', async () => {
    keyPages([key('k1', { workspace_id: 'ws-1' }), key('k2')], 100);
    const row = activityFixture.data[0];
    const activity = activityByKey({
      k1: [
        row,
        // the same model through another upstream provider: summed
        {
          ...row,
          endpoint_id: 'other',
          provider_name: 'Azure',
          usage: 0.005,
          requests: 1,
          prompt_tokens: 10,
          completion_tokens: 5,
        },
        // outside the range
        { ...row, date: '2025-08-19' },
      ],
      k2: [], // a key without activity
    });
    const { client } = setup();

    const usage = await client.fetchUsage(range);
    const costs = await client.fetchCosts(range);

    expect(usage).toEqual([
      {
        date: '2025-08-24',
        providerKeyId: 'k1',
        model: 'openai/gpt-4.1',
        providerProjectId: 'ws-1',
        inputTokens: 60,
        outputTokens: 130,
        cachedTokens: 0,
        requests: 6,
      },
    ]);
    expect(costs).toEqual([
      // 0.015 + 0.005 as floats is 0.02 only by luck; here it is decimal addition
      {
        date: '2025-08-24',
        providerKeyId: 'k1',
        model: 'openai/gpt-4.1',
        providerProjectId: 'ws-1',
        lineItem: '',
        amount: '0.02',
        currency: 'USD',
      },
    ]);
    // one round of per-key reads serves both calls
    expect(activity.map(r => query(r).get('api_key_hash'))).toEqual([
      'k1',
      'k2',
    ]);
    expect(activity.some(r => query(r).has('date'))).toBe(false);
  });

  it('asks for a single day with date= and reads again once the reuse window passed', async () => {
    keyPages([key('k1')], 100);
    const activity = activityByKey({ k1: activityFixture.data });
    const { client, advance } = setup();

    await client.fetchCosts({ from: '2025-08-24', to: '2025-08-24' });
    advance(61_000);
    const costs = await client.fetchCosts({
      from: '2025-08-24',
      to: '2025-08-24',
    });

    expect(costs).toEqual([
      {
        date: '2025-08-24',
        providerKeyId: 'k1',
        model: 'openai/gpt-4.1',
        providerProjectId: '0df9e665-d932-5740-b2c7-b52af166bc11',
        lineItem: '',
        amount: '0.015',
        currency: 'USD',
      },
    ]);
    expect(activity).toHaveLength(2);
    expect(query(activity[0]).get('date')).toBe('2025-08-24');
  });

  it('fails as a whole when one key’s activity is malformed', async () => {
    keyPages([key('k1'), key('k2')], 100);
    activityByKey({
      k1: activityFixture.data,
      k2: [{ ...activityFixture.data[0], usage: '0.015' }],
    });
    const { client } = setup();

    await expect(client.fetchCosts(range)).rejects.toThrow(
      /data\.0\.usage: expected number, got string/,
    );
  });
});

describe('OpenRouterClient credits and connection', () => {
  it('computes the balance from credits and usage exactly', async () => {
    route(
      'get',
      '/credits',
      json(creditsFixture),
      json({ data: { total_credits: 0.3, total_usage: 0.1 } }),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).resolves.toEqual([
      {
        currency: 'USD',
        available: '74.75',
        total: '100.5',
        used: '25.75',
        readAt: '2025-08-26T12:00:00.000Z',
      },
    ]);
    // 0.3 - 0.1 is 0.19999999999999998 in floats
    await expect(client.fetchBalances()).resolves.toMatchObject([
      { available: '0.2' },
    ]);
  });

  it('refuses a key that is not a management key', async () => {
    route('get', '/key', json(currentKeyFixture));
    const { client } = setup();

    await expect(client.testConnection()).rejects.toThrow(
      new ProviderAuthError(
        'OpenRouter key is valid but not a management key; key lists, activity and credits need one',
      ),
    );
  });

  it('accepts a management key, also in the older response shape', async () => {
    route(
      'get',
      '/key',
      json({ data: { ...currentKeyFixture.data, is_management_key: true } }),
      json({ data: { ...legacyKeyFixture.data, is_provisioning_key: true } }),
    );
    const { client } = setup();

    await expect(client.testConnection()).resolves.toBeUndefined();
    await expect(client.testConnection()).resolves.toBeUndefined();
  });
});

describe('OpenRouterClient failures', () => {
  it('waits for Retry-After on 429, then succeeds', async () => {
    const requests = route(
      'get',
      '/credits',
      json(
        { error: { code: 429, message: 'Rate limit exceeded' } },
        { status: 429, headers: { 'Retry-After': '5' } },
      ),
      json(creditsFixture),
    );
    const { client, sleep } = setup();

    await expect(client.fetchBalances()).resolves.toHaveLength(1);
    expect(sleep).toHaveBeenCalledWith(5000);
    expect(requests).toHaveLength(2);
  });

  it('retries a 500, then succeeds', async () => {
    const requests = route(
      'get',
      '/credits',
      json({ error: { code: 500, message: 'Internal' } }, { status: 500 }),
      json(creditsFixture),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).resolves.toHaveLength(1);
    expect(requests).toHaveLength(2);
  });

  it.each([401, 403])('reports %s as an auth error', async status => {
    route(
      'get',
      '/credits',
      json(
        { error: { code: status, message: 'No auth credentials found' } },
        { status },
      ),
    );
    const { client } = setup();

    const error = await client.fetchBalances().catch(e => e);

    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error.message).not.toContain(MANAGEMENT_KEY);
  });

  it('reports malformed JSON as a response error', async () => {
    route(
      'get',
      '/credits',
      () => new HttpResponse('{"data": {"total_credits": 1', { status: 200 }),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });

  it('reports a timeout as unavailable after the retries', async () => {
    const requests = route('get', '/credits', async () => {
      await delay(2000);
      return HttpResponse.json(creditsFixture);
    });
    const { client } = setup({ timeoutMs: 30, retry: { maxAttempts: 2 } });

    await expect(client.fetchBalances()).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(requests).toHaveLength(2);
  });
});

describe('openRouterProvider', () => {
  it('declares the full key lifecycle, costs and balance in USD', () => {
    expect(openRouterProvider).toMatchObject({
      id: 'openrouter',
      currency: 'USD',
    });
    expect(openRouterProvider.capabilities).toEqual(
      expect.arrayContaining([
        'keys.list',
        'keys.create',
        'keys.setEnabled',
        'keys.setLimit',
        'keys.delete',
        'costs',
        'balance',
      ]),
    );
    expect(openRouterProvider.capabilities).not.toContain('usage.byProject');
  });

  it('creates a working client from an account', async () => {
    route(
      'get',
      '/key',
      json({ data: { ...currentKeyFixture.data, is_management_key: true } }),
    );
    const client = openRouterProvider.createClient(
      {
        id: 'acc',
        provider: 'openrouter',
        name: 'Team',
        credentials: { managementKey: MANAGEMENT_KEY },
        settings: {},
      },
      { logger: mockServices.logger.mock() },
    );

    await expect(client.testConnection()).resolves.toBeUndefined();
  });
});
