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
import usageFixture from './__fixtures__/volcengine-ark-get-usage.json';
import errorFixture from './__fixtures__/volcengine-error.json';
import balanceFixture from './__fixtures__/volcengine-query-balance-acct.json';
import vector from './__fixtures__/volcengine-signature-vector.json';
import { volcengineProvider } from './provider';
import { VolcengineClient, VolcengineClientOptions } from './VolcengineClient';

const BASE = 'https://open.volcengineapi.com/';
// The reference vector's fake credentials and time, so a whole request can be
// checked against its expected Authorization header.
const ACCESS_KEY_ID = vector.inputs.access_key_id;
const SECRET_ACCESS_KEY = vector.inputs.secret_access_key;
const VECTOR_TIME = Date.parse('2024-07-10T04:29:25Z');

const server = createProviderTestServer();
const logs = guardLogsAgainst([SECRET_ACCESS_KEY, ACCESS_KEY_ID]);

function setup(overrides: Partial<VolcengineClientOptions> = {}) {
  const captured = { logger: logs.logger() };
  const sleep = jest.fn(async (_ms: number) => {});
  let now = VECTOR_TIME;
  const client = new VolcengineClient({
    credentials: {
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
    },
    logger: captured.logger,
    sleep,
    random: () => 0.5,
    now: () => now,
    ...overrides,
  });
  return { client, sleep, advance: (ms: number) => (now += ms) };
}

/** Answers POST / for one Action, in order. */
function action(
  name: string,
  ...responses: Array<() => Response | Promise<Response>>
) {
  const requests: Request[] = [];
  server.use(
    http.post(BASE, async ({ request }) => {
      if (new URL(request.url).searchParams.get('Action') !== name) {
        return undefined;
      }
      requests.push(request.clone());
      return responses[Math.min(requests.length, responses.length) - 1]();
    }),
  );
  return requests;
}

const json = (body: unknown, init?: ResponseInit) => () =>
  HttpResponse.json(body as any, init);
const envelopeError = (code: string, message: string) => ({
  ResponseMetadata: {
    ...errorFixture.ResponseMetadata,
    Error: { Code: code, Message: message },
  },
});

describe('VolcengineClient.fetchBalances', () => {
  it('signs QueryBalanceAcct exactly like the reference vector and maps the CNY balance', async () => {
    const requests = action('QueryBalanceAcct', json(balanceFixture));
    const { client } = setup();

    const balances = await client.fetchBalances();

    expect(balances).toEqual([
      {
        currency: 'CNY',
        available: '77.01',
        total: null,
        used: null,
        readAt: '2024-07-10T04:29:25.000Z',
      },
    ]);
    const [request] = requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(vector.inputs.url);
    expect(await request.text()).toBe('{}');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('x-date')).toBe(
      vector.expected_headers['X-Date'],
    );
    expect(request.headers.get('x-content-sha256')).toBe(
      vector.expected_headers['X-Content-Sha256'],
    );
    expect(request.headers.get('authorization')).toBe(
      vector.expected_headers.Authorization,
    );
  });

  it('uses the Currency field when the answer has one', async () => {
    action(
      'QueryBalanceAcct',
      json({
        ...balanceFixture,
        Result: {
          ...balanceFixture.Result,
          Currency: 'CNY',
          AvailableBalance: '1200.50',
        },
      }),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).resolves.toMatchObject([
      { currency: 'CNY', available: '1200.5' },
    ]);
  });

  it('rejects a balance that is not a decimal string', async () => {
    action(
      'QueryBalanceAcct',
      json({
        ...balanceFixture,
        Result: { ...balanceFixture.Result, AvailableBalance: 77.01 },
      }),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).rejects.toThrow(
      /Result\.AvailableBalance: expected string, got number/,
    );
  });
});

describe('VolcengineClient.fetchUsage', () => {
  it('reads GetUsage of the Ark project, signed for the ark service, by Beijing day', async () => {
    const requests = action('GetUsage', json(usageFixture));
    const { client } = setup({ projectName: 'team-a' });

    const records = await client.fetchUsage({
      from: '2024-11-19',
      to: '2024-11-19',
    });

    // 1731945600 is 2024-11-19 00:00 in Beijing (2024-11-18 16:00 UTC)
    expect(records).toEqual([
      {
        date: '2024-11-19',
        providerKeyId: '',
        model: '',
        providerProjectId: 'team-a',
        inputTokens: 1529525715,
        outputTokens: 40207324,
        cachedTokens: 0,
        requests: null,
      },
    ]);
    const [request] = requests;
    expect(new URL(request.url).searchParams.get('Version')).toBe('2024-01-01');
    expect(await request.json()).toEqual({
      Interval: 86400,
      StartTime: 1731945600,
      EndTime: 1732031999,
      ProjectName: 'team-a',
    });
    expect(request.headers.get('authorization')).toMatch(
      /^HMAC-SHA256 Credential=AKLTEXAMPLEACCESSKEYID\/20240710\/cn-beijing\/ark\/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('sums metric items per day, drops days outside the range and unknown metrics', async () => {
    const day = (offsetDays: number) => 1731945600 + offsetDays * 86400;
    action(
      'GetUsage',
      json({
        ...usageFixture,
        Result: {
          UsageResults: [
            {
              Name: 'PromptTokens',
              MetricItems: [
                {
                  Values: [
                    { Timestamp: day(0), Value: 10 },
                    { Timestamp: day(1), Value: 20 },
                    { Timestamp: day(5), Value: 999 },
                  ],
                },
                { Values: [{ Timestamp: day(0), Value: 5 }] },
              ],
            },
            {
              Name: 'CompletionTokens',
              MetricItems: [{ Values: [{ Timestamp: day(1), Value: 7 }] }],
            },
            {
              Name: 'SomethingElse',
              MetricItems: [{ Values: [{ Timestamp: day(0), Value: 1 }] }],
            },
            { Name: 'PromptTokens', MetricItems: [] },
          ],
        },
      }),
    );
    const { client } = setup();

    const records = await client.fetchUsage({
      from: '2024-11-19',
      to: '2024-11-20',
    });

    expect(records.map(r => [r.date, r.inputTokens, r.outputTokens])).toEqual([
      ['2024-11-19', 15, 0],
      ['2024-11-20', 20, 7],
    ]);
  });

  it('returns nothing for a period without usage', async () => {
    action('GetUsage', json({ ...usageFixture, Result: { UsageResults: [] } }));
    const { client } = setup();

    await expect(
      client.fetchUsage({ from: '2024-11-19', to: '2024-11-25' }),
    ).resolves.toEqual([]);
  });
});

describe('VolcengineClient error envelope', () => {
  it.each(['InvalidAccessKey', 'SignatureDoesNotMatch', 'AccessDenied'])(
    'turns %s into an auth error without echoing the access key',
    async code => {
      action(
        'QueryBalanceAcct',
        json(
          envelopeError(
            code,
            `The accesskey [${ACCESS_KEY_ID}] included in the request is invalid.`,
          ),
          { status: code === 'AccessDenied' ? 403 : 401 },
        ),
      );
      const { client } = setup();

      const error = await client.testConnection().catch(e => e);

      expect(error).toBeInstanceOf(ProviderAuthError);
      expect(error.message).toContain(code);
      expect(error.message).not.toContain(ACCESS_KEY_ID);
    },
  );

  it('treats InvalidCredential at HTTP 400 as an auth error too', async () => {
    action(
      'QueryBalanceAcct',
      json(envelopeError('InvalidCredential', 'Invalid credential'), {
        status: 400,
      }),
    );
    const { client } = setup();

    await expect(client.testConnection()).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
  });

  it('reports other codes, like the official error example, as response errors', async () => {
    action('QueryBalanceAcct', json(errorFixture, { status: 404 }));
    const { client } = setup();

    await expect(client.fetchBalances()).rejects.toThrow(
      new ProviderResponseError(
        'Volcengine POST https://open.volcengineapi.com/ answered 404: InvalidActionOrVersion (Could not find operation GetUserById for version 2018-01-01)',
      ),
    );
  });

  it('honours an error envelope even with HTTP 200', async () => {
    action(
      'QueryBalanceAcct',
      json(envelopeError('InvalidParam', 'The parameter is invalid')),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).rejects.toThrow(
      new ProviderResponseError(
        'Volcengine QueryBalanceAcct failed: InvalidParam (The parameter is invalid)',
      ),
    );
  });

  it('rejects an answer without Result', async () => {
    action(
      'QueryBalanceAcct',
      json({ ResponseMetadata: balanceFixture.ResponseMetadata }),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).rejects.toThrow(
      'answered without a Result',
    );
  });
});

describe('VolcengineClient failures', () => {
  it('waits for Retry-After on 429 and signs the retry anew', async () => {
    const requests = action(
      'QueryBalanceAcct',
      json(envelopeError('FlowLimitExceeded', 'Too many requests'), {
        status: 429,
        headers: { 'Retry-After': '3' },
      }),
      json(balanceFixture),
    );
    const { client, sleep, advance } = setup();
    sleep.mockImplementation(async ms => {
      advance(ms);
    });

    await expect(client.fetchBalances()).resolves.toHaveLength(1);

    expect(sleep).toHaveBeenCalledWith(3000);
    expect(requests.map(r => r.headers.get('x-date'))).toEqual([
      '20240710T042925Z',
      '20240710T042928Z',
    ]);
    expect(requests[0].headers.get('authorization')).not.toBe(
      requests[1].headers.get('authorization'),
    );
  });

  it('retries a 500 InternalError, then succeeds', async () => {
    const requests = action(
      'QueryBalanceAcct',
      json(
        envelopeError(
          'InternalError',
          'The request has failed due to an unknown error',
        ),
        { status: 500 },
      ),
      json(balanceFixture),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).resolves.toHaveLength(1);
    expect(requests).toHaveLength(2);
  });

  it('reports a 500 that persists as unavailable', async () => {
    action(
      'QueryBalanceAcct',
      json(envelopeError('InternalError', 'unknown'), { status: 500 }),
    );
    const { client } = setup({ retry: { maxAttempts: 2 } });

    await expect(client.fetchBalances()).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it('reports malformed JSON, like the published example, as a response error', async () => {
    // the doc example verbatim: an unquoted id and a trailing comma
    action(
      'QueryBalanceAcct',
      () =>
        new HttpResponse(
          '{"ResponseMetadata": {}, "Result": {"AccountID": 210xxxxxxx, "AvailableBalance": "77.01",}}',
          { status: 200 },
        ),
    );
    const { client } = setup();

    await expect(client.fetchBalances()).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });

  it('reports a timeout as unavailable after the retries', async () => {
    const requests = action('GetUsage', async () => {
      await delay(2000);
      return HttpResponse.json(usageFixture);
    });
    const { client } = setup({ timeoutMs: 30, retry: { maxAttempts: 2 } });

    await expect(
      client.fetchUsage({ from: '2024-11-19', to: '2024-11-19' }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(requests).toHaveLength(2);
  });

  it('needs both halves of the key pair', () => {
    expect(() =>
      setup({
        credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: '' },
      }),
    ).toThrow(ProviderAuthError);
  });
});

describe('volcengineProvider', () => {
  it('declares manual key registration, CNY and no key capabilities', () => {
    expect(volcengineProvider).toMatchObject({
      id: 'volcengine',
      currency: 'CNY',
      manualKeyRegistration: true,
    });
    expect(volcengineProvider.capabilities).toEqual([
      'usage.byProject',
      'balance',
    ]);
    expect(
      volcengineProvider.credentialFields.map(f => [
        f.name,
        f.secret,
        f.required,
      ]),
    ).toEqual([
      ['accessKeyId', true, true],
      ['secretAccessKey', true, true],
    ]);
  });

  it('creates a client with region and project settings', async () => {
    const requests = action('GetUsage', json(usageFixture));
    const client = volcengineProvider.createClient(
      {
        id: 'acc',
        provider: 'volcengine',
        name: 'Ark',
        credentials: {
          accessKeyId: ACCESS_KEY_ID,
          secretAccessKey: SECRET_ACCESS_KEY,
        },
        settings: { region: 'cn-shanghai', projectName: 'p1' },
      },
      { logger: mockServices.logger.mock() },
    );

    await client.fetchUsage!({ from: '2024-11-19', to: '2024-11-19' });

    expect(requests[0].headers.get('authorization')).toContain(
      '/cn-shanghai/ark/request',
    );
    expect((await requests[0].json()).ProjectName).toBe('p1');
  });
});
