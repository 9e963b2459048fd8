import { mockServices } from '@backstage/backend-test-utils';
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
import keys2025Fixture from './__fixtures__/anthropic-api-keys-list.2025.json';
import keysFixture from './__fixtures__/anthropic-api-keys-list.json';
import cost2025Fixture from './__fixtures__/anthropic-cost-report.2025.json';
import costFixture from './__fixtures__/anthropic-cost-report.json';
import errorFixture from './__fixtures__/anthropic-error.json';
import usage2025Fixture from './__fixtures__/anthropic-usage-report-messages.2025.json';
import usageFixture from './__fixtures__/anthropic-usage-report-messages.json';
import { AnthropicClient, AnthropicClientOptions } from './AnthropicClient';
import { anthropicProvider } from './provider';

const BASE = 'https://api.anthropic.com';
const ADMIN_KEY = 'sk-ant-admin01-THIS-IS-THE-SECRET-abcdef';

const server = createProviderTestServer();
const logs = guardLogsAgainst(['THIS-IS-THE-SECRET']);

function setup(overrides: Partial<AnthropicClientOptions> = {}) {
  const captured = { logger: logs.logger() };
  const sleep = jest.fn(async (_ms: number) => {});
  const client = new AnthropicClient({
    adminKey: ADMIN_KEY,
    logger: captured.logger,
    sleep,
    random: () => 0.5,
    now: () => Date.parse('2024-06-01T00:00:00Z'),
    ...overrides,
  });
  return { client, sleep };
}

function route(
  method: 'get' | 'post',
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

describe('AnthropicClient.listKeys', () => {
  it('follows after_id through every status and maps both reference shapes', async () => {
    const pages = route(
      'get',
      '/v1/organizations/api_keys',
      json(keysFixture),
      json({
        ...keys2025Fixture,
        data: [
          { ...keys2025Fixture.data[0], id: 'apikey_2025', status: 'inactive' },
          // default workspace, no hint, no expiry: optional fields missing
          {
            id: 'apikey_archived',
            type: 'api_key',
            name: 'Old',
            created_at: '2024-01-02T03:04:05Z',
            created_by: { id: 'user_x', type: 'user' },
            status: 'archived',
            workspace_id: null,
          },
        ],
        has_more: false,
      }),
    );
    const { client } = setup();

    const keys = await client.listKeys();

    expect(keys).toEqual([
      {
        providerKeyId: 'apikey_01Rj2N8SVvo6BePZj99NhmiT',
        name: 'Developer Key',
        maskedHint: 'sk-ant-api03-R2D...igAA',
        status: 'active',
        providerProjectId: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
        createdAt: '2024-10-30T23:58:27.427Z',
        lastUsedAt: null,
        expiresAt: '2024-10-30T23:58:27.427Z',
        limit: null,
        usage: null,
      },
      {
        providerKeyId: 'apikey_2025',
        name: 'Developer Key',
        maskedHint: 'sk-ant-api03-R2D...igAA',
        status: 'disabled',
        providerProjectId: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
        createdAt: '2024-10-30T23:58:27.427Z',
        lastUsedAt: null,
        expiresAt: null,
        limit: null,
        usage: null,
      },
      {
        providerKeyId: 'apikey_archived',
        name: 'Old',
        maskedHint: null,
        status: 'archived',
        providerProjectId: null,
        createdAt: '2024-01-02T03:04:05.000Z',
        lastUsedAt: null,
        expiresAt: null,
        limit: null,
        usage: null,
      },
    ]);
    expect(pages).toHaveLength(2);
    expect(query(pages[0]).get('limit')).toBe('1000');
    expect(query(pages[0]).has('after_id')).toBe(false);
    expect(query(pages[0]).has('status')).toBe(false);
    expect(query(pages[1]).get('after_id')).toBe('last_id');
    expect(pages[0].headers.get('x-api-key')).toBe(ADMIN_KEY);
    expect(pages[0].headers.get('anthropic-version')).toBe('2023-06-01');
  });

  it('reports an active key past its expiry as expired', async () => {
    route(
      'get',
      '/v1/organizations/api_keys',
      json({ ...keysFixture, has_more: false }),
    );
    const { client } = setup({ now: () => Date.parse('2025-01-01T00:00:00Z') });

    const [key] = await client.listKeys();

    expect(key.status).toBe('expired');
  });

  it('rejects an unknown key status rather than guessing', async () => {
    route(
      'get',
      '/v1/organizations/api_keys',
      json({
        ...keysFixture,
        data: [{ ...keysFixture.data[0], status: 'paused' }],
      }),
    );
    const { client } = setup();

    await expect(client.listKeys()).rejects.toThrow(
      /data\.0\.status: invalid_enum_value/,
    );
  });
});

describe('AnthropicClient.setKeyEnabled', () => {
  it.each([
    [false, 'inactive'],
    [true, 'active'],
  ])('enabled=%s posts status %s', async (enabled, status) => {
    const posts = route(
      'post',
      '/v1/organizations/api_keys/apikey_01Rj2N8SVvo6BePZj99NhmiT',
      json({ ...keysFixture.data[0], status }),
    );
    const { client } = setup();

    await client.setKeyEnabled('apikey_01Rj2N8SVvo6BePZj99NhmiT', enabled);

    expect(posts).toHaveLength(1);
    expect(await posts[0].json()).toEqual({ status });
    expect(posts[0].headers.get('content-type')).toBe('application/json');
  });

  it('fails when the provider did not apply the status', async () => {
    route(
      'post',
      '/v1/organizations/api_keys/apikey_x',
      json({ ...keysFixture.data[0], id: 'apikey_x', status: 'active' }),
    );
    const { client } = setup();

    await expect(
      client.setKeyEnabled('apikey_x', false),
    ).rejects.toBeInstanceOf(ProviderResponseError);
  });

  it('retries an idempotent status update after a 5xx', async () => {
    const posts = route(
      'post',
      '/v1/organizations/api_keys/apikey_x',
      json(
        { type: 'error', error: { type: 'api_error', message: 'Internal' } },
        { status: 500 },
      ),
      json({ ...keysFixture.data[0], id: 'apikey_x', status: 'inactive' }),
    );
    const { client } = setup();

    await client.setKeyEnabled('apikey_x', false);

    expect(posts).toHaveLength(2);
  });
});

describe('AnthropicClient.fetchUsage', () => {
  it('follows next_page and maps daily buckets by key, model and workspace', async () => {
    const pages = route(
      'get',
      '/v1/organizations/usage_report/messages',
      json(usageFixture),
      json({
        ...usage2025Fixture,
        data: [
          {
            ...usage2025Fixture.data[0],
            starting_at: '2025-08-02T00:00:00Z',
            ending_at: '2025-08-03T00:00:00Z',
          },
          // an interval without usage
          {
            starting_at: '2025-08-03T00:00:00Z',
            ending_at: '2025-08-04T00:00:00Z',
            results: [],
          },
        ],
        has_more: false,
        next_page: null,
      }),
    );
    const { client } = setup();

    const records = await client.fetchUsage({
      from: '2025-08-01',
      to: '2025-08-03',
    });

    expect(records).toEqual([
      {
        date: '2025-08-01',
        providerKeyId: 'apikey_01Rj2N8SVvo6BePZj99NhmiT',
        model: 'claude-opus-5',
        providerProjectId: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
        inputTokens: 3200, // 1500 uncached + 1000 + 500 cache writes + 200 cache reads
        outputTokens: 500,
        cachedTokens: 200,
        requests: null,
      },
      {
        date: '2025-08-02',
        providerKeyId: 'apikey_01Rj2N8SVvo6BePZj99NhmiT',
        model: 'claude-sonnet-4-20250514',
        providerProjectId: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
        inputTokens: 3200,
        outputTokens: 500,
        cachedTokens: 200,
        requests: null,
      },
    ]);
    const first = query(pages[0]);
    expect(first.get('starting_at')).toBe('2025-08-01T00:00:00Z');
    expect(first.get('ending_at')).toBe('2025-08-04T00:00:00Z');
    expect(first.get('bucket_width')).toBe('1d');
    expect(first.getAll('group_by[]')).toEqual([
      'api_key_id',
      'model',
      'workspace_id',
    ]);
    expect(first.get('limit')).toBe('31');
    expect(first.has('page')).toBe(false);
    expect(query(pages[1]).get('page')).toBe(
      'page_MjAyNS0wNS0xNFQwMDowMDowMFo=',
    );
  });

  it('reads missing optional fields as zero or empty and sums split rows', async () => {
    route(
      'get',
      '/v1/organizations/usage_report/messages',
      json({
        data: [
          {
            starting_at: '2025-08-01T00:00:00Z',
            ending_at: '2025-08-02T00:00:00Z',
            results: [
              // Console usage: no key; default workspace; no cache fields
              {
                uncached_input_tokens: 10,
                output_tokens: 5,
                api_key_id: null,
                workspace_id: null,
                model: 'claude-haiku',
              },
              {
                uncached_input_tokens: 1,
                output_tokens: 1,
                cache_read_input_tokens: 2,
                api_key_id: null,
                workspace_id: null,
                model: 'claude-haiku',
                service_tier: 'batch',
              },
            ],
          },
        ],
        has_more: false,
        next_page: null,
      }),
    );
    const { client } = setup();

    await expect(
      client.fetchUsage({ from: '2025-08-01', to: '2025-08-01' }),
    ).resolves.toEqual([
      {
        date: '2025-08-01',
        providerKeyId: '',
        model: 'claude-haiku',
        providerProjectId: '',
        inputTokens: 13,
        outputTokens: 6,
        cachedTokens: 2,
        requests: null,
      },
    ]);
  });

  it('fails as a whole when has_more comes without next_page', async () => {
    route(
      'get',
      '/v1/organizations/usage_report/messages',
      json({ ...usageFixture, next_page: null }),
    );
    const { client } = setup();

    await expect(
      client.fetchUsage({ from: '2025-08-01', to: '2025-08-01' }),
    ).rejects.toThrow('has_more without next_page');
  });
});

describe('AnthropicClient.fetchCosts', () => {
  it('converts cent decimal strings to dollars exactly and follows next_page', async () => {
    const pages = route(
      'get',
      '/v1/organizations/cost_report',
      json(costFixture),
      json({
        ...cost2025Fixture,
        data: [
          {
            ...cost2025Fixture.data[0],
            results: [
              cost2025Fixture.data[0].results[0],
              // the same line split by a dimension we do not keep: summed exactly
              {
                ...cost2025Fixture.data[0].results[0],
                amount: '0.1',
                service_tier: 'batch',
              },
              {
                ...cost2025Fixture.data[0].results[0],
                amount: '0.2',
                context_window: '200k-1M',
              },
              // a non-token cost with the optional fields missing
              { currency: 'USD', amount: '250', workspace_id: null },
            ],
          },
        ],
        has_more: false,
        next_page: null,
      }),
    );
    const { client } = setup();

    const records = await client.fetchCosts({
      from: '2025-08-01',
      to: '2025-08-01',
    });

    expect(records).toEqual([
      {
        date: '2025-08-01',
        providerKeyId: '',
        model: 'claude-opus-5',
        providerProjectId: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
        lineItem: 'Claude Opus 5 Usage - Input Tokens',
        amount: '1.2378912', // "123.78912" cents
        currency: 'USD',
      },
      {
        date: '2025-08-01',
        providerKeyId: '',
        model: 'claude-sonnet-4-20250514',
        providerProjectId: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
        lineItem: 'Claude Sonnet 4 Usage - Input Tokens',
        amount: '1.2408912', // (123.78912 + 0.1 + 0.2) cents
        currency: 'USD',
      },
      {
        date: '2025-08-01',
        providerKeyId: '',
        model: '',
        providerProjectId: '',
        lineItem: '',
        amount: '2.5',
        currency: 'USD',
      },
    ]);
    expect(query(pages[0]).getAll('group_by[]')).toEqual([
      'workspace_id',
      'description',
    ]);
    expect(query(pages[1]).get('page')).toBe(
      'page_MjAyNS0wNS0xNFQwMDowMDowMFo=',
    );
  });

  it.each([[123.78912], ['1.2e2'], ['12,50']])(
    'rejects the amount %p, which is not a decimal string',
    async amount => {
      route(
        'get',
        '/v1/organizations/cost_report',
        json({
          ...costFixture,
          data: [
            {
              ...costFixture.data[0],
              results: [{ ...costFixture.data[0].results[0], amount }],
            },
          ],
          has_more: false,
        }),
      );
      const { client } = setup();

      await expect(
        client.fetchCosts({ from: '2025-08-01', to: '2025-08-01' }),
      ).rejects.toBeInstanceOf(ProviderResponseError);
    },
  );
});

describe('AnthropicClient failures', () => {
  const range = { from: '2025-08-01', to: '2025-08-01' };
  const lastPage = json({ ...costFixture, has_more: false, next_page: null });

  it('waits for Retry-After on 429, then succeeds', async () => {
    const pages = route(
      'get',
      '/v1/organizations/cost_report',
      json(
        {
          type: 'error',
          error: { type: 'rate_limit_error', message: 'Rate limited' },
        },
        { status: 429, headers: { 'retry-after': '4' } },
      ),
      lastPage,
    );
    const { client, sleep } = setup();

    await expect(client.fetchCosts(range)).resolves.toHaveLength(1);
    expect(sleep).toHaveBeenCalledWith(4000);
    expect(pages).toHaveLength(2);
  });

  it('retries a 500 and an overloaded 529, then succeeds', async () => {
    const pages = route(
      'get',
      '/v1/organizations/cost_report',
      json(
        { type: 'error', error: { type: 'api_error', message: 'Internal' } },
        { status: 500 },
      ),
      json(
        {
          type: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded' },
        },
        { status: 529 },
      ),
      lastPage,
    );
    const { client } = setup();

    await expect(client.fetchCosts(range)).resolves.toHaveLength(1);
    expect(pages).toHaveLength(3);
  });

  it('reports 401 as an auth error', async () => {
    route(
      'get',
      '/v1/organizations/api_keys',
      json(
        {
          type: 'error',
          error: { type: 'authentication_error', message: 'invalid x-api-key' },
        },
        { status: 401 },
      ),
    );
    const { client } = setup();

    const error = await client.testConnection().catch(e => e);

    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error.message).toContain('invalid x-api-key');
    expect(error.message).not.toContain(ADMIN_KEY);
  });

  it('reports the official 4XX example as a response error with its message', async () => {
    route(
      'get',
      '/v1/organizations/cost_report',
      json(errorFixture, { status: 400 }),
    );
    const { client } = setup();

    await expect(client.fetchCosts(range)).rejects.toThrow(
      new ProviderResponseError(
        'Anthropic GET https://api.anthropic.com/v1/organizations/cost_report answered 400: Invalid request',
      ),
    );
  });

  it('reports malformed JSON as a response error', async () => {
    route(
      'get',
      '/v1/organizations/cost_report',
      () => new HttpResponse('{"data": [}', { status: 200 }),
    );
    const { client } = setup();

    await expect(client.fetchCosts(range)).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });

  it('reports a timeout as unavailable after the retries', async () => {
    const pages = route('get', '/v1/organizations/cost_report', async () => {
      await delay(2000);
      return HttpResponse.json(costFixture);
    });
    const { client } = setup({ timeoutMs: 30, retry: { maxAttempts: 2 } });

    await expect(client.fetchCosts(range)).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(pages).toHaveLength(2);
  });
});

describe('anthropicProvider', () => {
  it('declares enable/disable but no create or delete', () => {
    expect(anthropicProvider).toMatchObject({
      id: 'anthropic',
      currency: 'USD',
    });
    expect(anthropicProvider.capabilities).toEqual(
      expect.arrayContaining([
        'keys.list',
        'keys.setEnabled',
        'costs',
        'usage.byKey',
      ]),
    );
    expect(anthropicProvider.capabilities).not.toContain('keys.create');
    expect(anthropicProvider.capabilities).not.toContain('keys.delete');
  });

  it('creates a working client from an account', async () => {
    const pages = route('get', '/v1/organizations/api_keys', json(keysFixture));
    const client = anthropicProvider.createClient(
      {
        id: 'acc',
        provider: 'anthropic',
        name: 'Org',
        credentials: { adminKey: ADMIN_KEY },
        settings: {},
      },
      { logger: mockServices.logger.mock() },
    );

    await client.testConnection();

    expect(query(pages[0]).get('limit')).toBe('1');
  });
});
