import { mockServices } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { z } from 'zod/v3';
import {
  ProviderAuthError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '../errors';
import type { ProviderAccount } from '../provider';
import { createProviderTestServer, guardLogsAgainst } from '../testUtils';
import {
  ProviderApiClient,
  ProviderClientOptions,
  bearerAuth,
  createProviderHttpClient,
  defineApiProvider,
  endpointAt,
  providerClientOptions,
  requiredSecret,
} from './providerClient';

const BASE = 'https://api.example.test/v1';
const SECRET = 'sk-example-THIS-IS-THE-SECRET';

const server = createProviderTestServer();
const logs = guardLogsAgainst(['THIS-IS-THE-SECRET']);

const okSchema = z.object({ ok: z.boolean() });

const exampleAccount: ProviderAccount = {
  id: 'acc-1',
  provider: 'example',
  name: 'Example org',
  credentials: { token: SECRET },
  settings: { baseUrl: 'https://proxy.example.test/x' },
};

function options(
  overrides: Partial<ProviderClientOptions> = {},
): ProviderClientOptions {
  return {
    logger: logs.logger(),
    sleep: async () => {},
    random: () => 0.5,
    ...overrides,
  };
}

function record(url: string, ...responses: Array<() => Response>) {
  const requests: Request[] = [];
  server.use(
    http.all(url, ({ request }) => {
      requests.push(request);
      return responses[Math.min(requests.length, responses.length) - 1]();
    }),
  );
  return requests;
}

describe('createProviderHttpClient', () => {
  it("sends the provider's credential headers to its default base URL", async () => {
    const requests = record(`${BASE}/things`, () =>
      HttpResponse.json({ ok: true }),
    );
    const client = createProviderHttpClient(options(), {
      providerName: 'Example',
      defaultBaseUrl: BASE,
      headers: { Authorization: `Bearer ${SECRET}`, 'example-version': '2' },
    });

    await expect(
      client.request({ path: '/things', schema: okSchema }),
    ).resolves.toEqual({ ok: true });

    expect(requests[0].headers.get('authorization')).toBe(`Bearer ${SECRET}`);
    expect(requests[0].headers.get('example-version')).toBe('2');
  });

  it("uses the account's base URL instead of the default", async () => {
    const requests = record('https://proxy.example.test/x/things', () =>
      HttpResponse.json({ ok: true }),
    );
    const client = createProviderHttpClient(
      options({ baseUrl: 'https://proxy.example.test/x' }),
      { providerName: 'Example', defaultBaseUrl: BASE },
    );

    await client.request({ path: '/things', schema: okSchema });

    expect(requests).toHaveLength(1);
  });

  it("honours the backend's retry and sleep settings", async () => {
    const requests = record(
      `${BASE}/things`,
      () => new HttpResponse(null, { status: 503 }),
      () => HttpResponse.json({ ok: true }),
    );
    const sleep = jest.fn(async (_ms: number) => {});
    const client = createProviderHttpClient(
      options({ sleep, retry: { maxAttempts: 2 } }),
      { providerName: 'Example', defaultBaseUrl: BASE },
    );

    await client.request({ path: '/things', schema: okSchema });
    expect(requests).toHaveLength(2);
    expect(sleep).toHaveBeenCalledTimes(1);

    const once = createProviderHttpClient(
      options({ retry: { maxAttempts: 1 } }),
      { providerName: 'Example', defaultBaseUrl: BASE },
    );
    record(`${BASE}/down`, () => new HttpResponse(null, { status: 503 }));
    await expect(
      once.request({ path: '/down', schema: okSchema }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('scrubs credential header values from provider error messages', async () => {
    record(`${BASE}/things`, () =>
      HttpResponse.json(
        { error: { message: `bad request with ${SECRET}` } },
        { status: 400 },
      ),
    );
    const client = createProviderHttpClient(options(), {
      providerName: 'Example',
      defaultBaseUrl: BASE,
      headers: { 'x-api-key': SECRET },
    });

    const error = await client
      .request({ path: '/things', schema: okSchema })
      .catch(e => e);

    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toContain('bad request with ***');
    expect(error.message).not.toContain('THIS-IS-THE-SECRET');
  });

  it('refuses an empty required credential before any request', () => {
    const requests = record(`${BASE}/things`, () =>
      HttpResponse.json({ ok: true }),
    );
    const build = (adminKey: string | undefined) =>
      createProviderHttpClient(options(), {
        providerName: 'Example',
        defaultBaseUrl: BASE,
        requiredCredentials: { 'admin API key': adminKey, region: 'eu' },
      });

    expect(() => build('')).toThrow(
      new ProviderAuthError('Example account has no admin API key'),
    );
    expect(() => build(undefined)).toThrow(ProviderAuthError);
    expect(() => build(SECRET)).not.toThrow();
    expect(requests).toHaveLength(0);
  });
});

describe('ProviderApiClient', () => {
  class ExampleClient extends ProviderApiClient {
    constructor(clientOptions: ProviderClientOptions & { token: string }) {
      super(clientOptions, {
        providerName: 'Example',
        defaultBaseUrl: BASE,
        headers: { Authorization: `Bearer ${clientOptions.token}` },
        requiredCredentials: { token: clientOptions.token },
      });
    }

    async testConnection() {
      await this.http.request({ path: '/me', schema: okSchema });
    }

    readAt() {
      return new Date(this.now()).toISOString();
    }
  }

  it('gives a subclass the authenticated HTTP client and the clock', async () => {
    const requests = record(`${BASE}/me`, () =>
      HttpResponse.json({ ok: true }),
    );
    const client = new ExampleClient({
      ...options({ now: () => Date.parse('2025-01-02T03:04:05Z') }),
      token: SECRET,
    });

    await client.testConnection();

    expect(requests[0].headers.get('authorization')).toBe(`Bearer ${SECRET}`);
    expect(client.readAt()).toBe('2025-01-02T03:04:05.000Z');
  });

  it('fails to construct without its credentials', () => {
    expect(() => new ExampleClient({ ...options(), token: '' })).toThrow(
      ProviderAuthError,
    );
  });

  it("tests the connection by asking for one item of the definition's test list", async () => {
    class ListClient extends ProviderApiClient {
      constructor() {
        super(options(), {
          providerName: 'Example',
          defaultBaseUrl: BASE,
          testList: { path: '/items', schema: okSchema },
        });
      }
    }
    const requests = record(`${BASE}/items`, () =>
      HttpResponse.json({ ok: true }),
    );

    await new ListClient().testConnection();

    expect(new URL(requests[0].url).search).toBe('?limit=1');
  });
});

describe('bearerAuth', () => {
  it('sends the token as a bearer token and refuses an empty one by its name', async () => {
    const requests = record(`${BASE}/me`, () =>
      HttpResponse.json({ ok: true }),
    );
    const api = {
      providerName: 'Example',
      defaultBaseUrl: BASE,
      ...bearerAuth('admin API key', SECRET),
    };

    await createProviderHttpClient(options(), api).request({
      path: '/me',
      schema: okSchema,
    });

    expect(requests[0].headers.get('authorization')).toBe(`Bearer ${SECRET}`);
    expect(() =>
      createProviderHttpClient(options(), {
        ...api,
        ...bearerAuth('admin API key', ''),
      }),
    ).toThrow('Example account has no admin API key');
  });
});

describe('defineApiProvider', () => {
  it("makes the client from the account's client options and credentials", () => {
    const client = jest.fn().mockReturnValue({ testConnection: jest.fn() });
    const provider = defineApiProvider({
      id: 'example',
      displayName: 'Example',
      currency: 'USD',
      capabilities: ['keys.list'],
      credentialFields: [requiredSecret('token', 'Token')],
      endpoint: endpointAt(BASE),
      client,
    });
    const account = { ...exampleAccount, settings: { baseUrl: '' } };

    provider.createClient(account, { logger: mockServices.logger.mock() });

    expect(provider.credentialFields).toEqual([
      { name: 'token', label: 'Token', secret: true, required: true },
    ]);
    expect(provider.endpoint).toEqual({
      defaultBaseUrl: BASE,
      knownHosts: ['api.example.test'],
    });
    expect(client).toHaveBeenCalledWith(
      expect.objectContaining({ baseUrl: undefined }),
      account,
    );
  });
});

describe('providerClientOptions', () => {
  const account = exampleAccount;

  it("takes the account's base URL, a named child logger and the backend's HTTP settings", () => {
    const logger = mockServices.logger.mock();
    const fetch = jest.fn();
    const sleep = async () => {};

    const result = providerClientOptions('example', account, {
      logger,
      fetch,
      http: { timeoutMs: 5, retry: { maxAttempts: 2 }, sleep },
    });

    expect(logger.child).toHaveBeenCalledWith({
      provider: 'example',
      account: 'acc-1',
    });
    expect(result).toEqual({
      baseUrl: 'https://proxy.example.test/x',
      logger: logger.child.mock.results[0].value,
      fetch,
      timeoutMs: 5,
      retry: { maxAttempts: 2 },
      sleep,
    });
  });

  it('reads an empty base URL setting as the default', () => {
    const result = providerClientOptions(
      'example',
      { ...account, settings: { baseUrl: '' } },
      { logger: mockServices.logger.mock() },
    );
    expect(result.baseUrl).toBeUndefined();
  });
});
