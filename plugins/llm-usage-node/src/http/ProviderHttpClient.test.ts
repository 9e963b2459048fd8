import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod/v3';
import {
  ProviderAuthError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '../errors';
import {
  ProviderHttpClient,
  ProviderHttpClientOptions,
} from './ProviderHttpClient';

const BASE = 'https://api.example.test/v1';
const SECRET = 'sk-admin-very-secret-value';

const server = setupServer();
registerMswTestHooks(server);

const thingSchema = z.object({ id: z.string(), count: z.number() });

function createClient(overrides: Partial<ProviderHttpClientOptions> = {}) {
  const logger = mockServices.logger.mock();
  const sleep = jest.fn(async (_ms: number) => {});
  const client = new ProviderHttpClient({
    providerName: 'Example',
    baseUrl: BASE,
    logger,
    headers: { Authorization: `Bearer ${SECRET}` },
    sleep,
    random: () => 0.5,
    ...overrides,
  });
  const logged = () =>
    JSON.stringify([
      logger.debug.mock.calls,
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.error.mock.calls,
    ]);
  return { client, logger, sleep, logged };
}

/** Answers with the given responses in order, then fails the test loudly. */
function sequence(
  path: string,
  ...responses: Array<() => Response | Promise<Response>>
) {
  const seen: Request[] = [];
  server.use(
    http.all(`${BASE}${path}`, async ({ request }) => {
      seen.push(request.clone());
      const next = responses[seen.length - 1];
      if (!next) {
        return HttpResponse.json(
          { error: 'unexpected extra request' },
          { status: 418 },
        );
      }
      return next();
    }),
  );
  return seen;
}

describe('ProviderHttpClient', () => {
  it('does not follow a redirect with the credentials', async () => {
    const elsewhere: Request[] = [];
    server.use(
      http.all('https://collector.evil.test/*', ({ request }) => {
        elsewhere.push(request);
        return HttpResponse.json({ id: 'a', count: 1 });
      }),
    );
    const seen = sequence('/things/a', () =>
      HttpResponse.json(
        {},
        {
          status: 302,
          headers: { location: 'https://collector.evil.test/things/a' },
        },
      ),
    );
    const { client } = createClient({
      headers: { 'x-api-key': SECRET },
    });

    const error = await client
      .request({ path: '/things/a', schema: thingSchema })
      .catch(e => e);

    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toContain('302 (a redirect), which is not followed');
    expect(seen).toHaveLength(1);
    expect(elsewhere).toEqual([]);
  });

  it('sends base URL, default headers and query, and parses the body with the schema', async () => {
    const seen = sequence('/things', () =>
      HttpResponse.json({ id: 'a', count: 1, extra: true }),
    );
    const { client } = createClient();

    const result = await client.request({
      path: '/things',
      query: {
        limit: 31,
        group_by: ['model', 'project_id'],
        skip: undefined,
        flag: true,
      },
      schema: thingSchema,
    });

    expect(result).toEqual({ id: 'a', count: 1 });
    const url = new URL(seen[0].url);
    expect(url.searchParams.getAll('group_by')).toEqual([
      'model',
      'project_id',
    ]);
    expect(url.searchParams.get('limit')).toBe('31');
    expect(url.searchParams.get('flag')).toBe('true');
    expect(url.searchParams.has('skip')).toBe(false);
    expect(seen[0].headers.get('authorization')).toBe(`Bearer ${SECRET}`);
    expect(seen[0].headers.get('accept')).toBe('application/json');
  });

  it('sends a JSON body with a content type', async () => {
    const seen = sequence('/things', () =>
      HttpResponse.json({ id: 'b', count: 2 }),
    );
    const { client } = createClient();

    await client.request({
      method: 'PATCH',
      path: '/things',
      body: { disabled: true },
      schema: thingSchema,
    });

    expect(seen[0].method).toBe('PATCH');
    expect(seen[0].headers.get('content-type')).toBe('application/json');
    expect(await seen[0].json()).toEqual({ disabled: true });
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const seen = sequence(
      '/things',
      () =>
        new HttpResponse(null, {
          status: 429,
          headers: { 'Retry-After': '7' },
        }),
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    const { client, sleep, logger } = createClient();

    await expect(
      client.request({ path: '/things', schema: thingSchema }),
    ).resolves.toEqual({ id: 'a', count: 1 });

    expect(seen).toHaveLength(2);
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(sleep).toHaveBeenCalledWith(7000);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'GET https://api.example.test/v1/things failed (429)',
      ),
    );
  });

  it('reads Retry-After as an HTTP date', async () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    sequence(
      '/things',
      () =>
        new HttpResponse(null, {
          status: 503,
          headers: { 'Retry-After': 'Wed, 01 Jan 2025 00:00:12 GMT' },
        }),
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    const { client, sleep } = createClient({ now: () => now });

    await client.request({ path: '/things', schema: thingSchema });

    expect(sleep).toHaveBeenCalledWith(12_000);
  });

  it('gives up at once when Retry-After is longer than the cap', async () => {
    const seen = sequence(
      '/things',
      () =>
        new HttpResponse(null, {
          status: 429,
          headers: { 'Retry-After': '3600' },
        }),
    );
    const { client, sleep } = createClient({
      retry: { maxRetryAfterMs: 60_000 },
    });

    await expect(
      client.request({ path: '/things', schema: thingSchema }),
    ).rejects.toMatchObject({
      name: 'ProviderUnavailableError',
      message: expect.stringContaining('asked to wait 3600 s'),
    });
    expect(seen).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('backs off exponentially with full jitter on 500, then succeeds', async () => {
    const seen = sequence(
      '/things',
      () => HttpResponse.json({ error: { message: 'boom' } }, { status: 500 }),
      () => new HttpResponse('bad gateway', { status: 502 }),
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    const { client, sleep } = createClient({
      random: () => 0.5,
      retry: { baseDelayMs: 1000 },
    });

    await expect(
      client.request({ path: '/things', schema: thingSchema }),
    ).resolves.toEqual({ id: 'a', count: 1 });

    expect(seen).toHaveLength(3);
    // ceilings 1000 and 2000 ms, times the 0.5 "random" draw
    expect(sleep.mock.calls).toEqual([[500], [1000]]);
  });

  it('caps the backoff', async () => {
    sequence(
      '/things',
      () => new HttpResponse(null, { status: 500 }),
      () => new HttpResponse(null, { status: 500 }),
      () => new HttpResponse(null, { status: 500 }),
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    const { client, sleep } = createClient({
      random: () => 0.999,
      retry: { baseDelayMs: 1000, maxDelayMs: 1500 },
    });

    await client.request({ path: '/things', schema: thingSchema });

    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([999, 1498, 1498]);
  });

  it('throws ProviderUnavailableError when retries are exhausted', async () => {
    const seen = sequence(
      '/things',
      ...Array.from(
        { length: 4 },
        () => () =>
          HttpResponse.json(
            { error: { message: 'overloaded' } },
            { status: 503 },
          ),
      ),
    );
    const { client, sleep } = createClient();

    const error = await client
      .request({ path: '/things', schema: thingSchema })
      .catch(e => e);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toBe(
      'Example GET https://api.example.test/v1/things answered 503 after 4 attempt(s): overloaded',
    );
    expect(seen).toHaveLength(4);
    expect(sleep).toHaveBeenCalledTimes(3);
  });

  it('honours a configured number of attempts', async () => {
    const seen = sequence(
      '/things',
      () => new HttpResponse(null, { status: 500 }),
      () => new HttpResponse(null, { status: 500 }),
    );
    const { client } = createClient({ retry: { maxAttempts: 2 } });

    await expect(
      client.request({ path: '/things', schema: thingSchema }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(seen).toHaveLength(2);
  });

  it.each([401, 403])(
    'throws ProviderAuthError on %s without retrying',
    async status => {
      const seen = sequence('/things', () =>
        HttpResponse.json(
          { error: { message: `Incorrect API key provided: ${SECRET}` } },
          { status },
        ),
      );
      const { client, sleep, logged } = createClient();

      const error = await client
        .request({ path: '/things', schema: thingSchema })
        .catch(e => e);

      expect(error).toBeInstanceOf(ProviderAuthError);
      expect(error.message).toContain(
        `(${status} from GET https://api.example.test/v1/things)`,
      );
      expect(error.message).toContain('Incorrect API key provided: ***');
      expect(error.message).not.toContain(SECRET);
      expect(seen).toHaveLength(1);
      expect(sleep).not.toHaveBeenCalled();
      expect(logged()).not.toContain(SECRET);
    },
  );

  it('throws ProviderResponseError on another 4xx without retrying', async () => {
    const seen = sequence('/things', () =>
      HttpResponse.json(
        {
          error: { message: 'Invalid request', type: 'invalid_request_error' },
          type: 'error',
        },
        { status: 400 },
      ),
    );
    const { client } = createClient();

    const error = await client
      .request({ path: '/things', schema: thingSchema })
      .catch(e => e);

    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toBe(
      'Example GET https://api.example.test/v1/things answered 400: Invalid request',
    );
    expect(seen).toHaveLength(1);
  });

  it('lets a provider classify its own error envelope, with a scrubbed message', async () => {
    sequence('/things', () =>
      HttpResponse.json(
        { code: 'BadKey', message: `key ${SECRET} unknown` },
        { status: 400 },
      ),
    );
    const { client } = createClient({
      interpretError: ({ body, status, target, providerMessage }) =>
        (body as { code?: string }).code === 'BadKey'
          ? new ProviderAuthError(
              `bad key (${status} ${target}): ${providerMessage}`,
            )
          : undefined,
    });

    await expect(
      client.request({ path: '/things', schema: thingSchema }),
    ).rejects.toThrow(
      new ProviderAuthError(
        'bad key (400 GET https://api.example.test/v1/things): key *** unknown',
      ),
    );
  });

  it('throws ProviderResponseError on malformed JSON without retrying', async () => {
    const seen = sequence(
      '/things',
      () =>
        new HttpResponse('{"id": "a", "count": ', {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const { client } = createClient();

    const error = await client
      .request({ path: '/things', schema: thingSchema })
      .catch(e => e);

    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toBe(
      'Example GET https://api.example.test/v1/things returned malformed JSON',
    );
    expect(seen).toHaveLength(1);
  });

  it('throws ProviderResponseError naming the fields when the schema rejects the body, without their values', async () => {
    sequence('/things', () =>
      HttpResponse.json({ id: 'a-secret-looking-value', count: 'many' }),
    );
    const { client } = createClient();

    const error = await client
      .request({
        path: '/things',
        schema: thingSchema.extend({ kind: z.enum(['x']) }),
      })
      .catch(e => e);

    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toContain('count: expected number, got string');
    expect(error.message).toContain('kind: ');
    expect(error.message).not.toContain('many');
  });

  it('parses an empty body as undefined', async () => {
    sequence('/things', () => new HttpResponse(null, { status: 204 }));
    const { client } = createClient();

    await expect(
      client.request({
        method: 'DELETE',
        path: '/things',
        schema: z.undefined(),
      }),
    ).resolves.toBeUndefined();
  });

  it('times out a hanging attempt, retries it, and reports unavailable after the last', async () => {
    const seen = sequence(
      '/things',
      ...Array.from({ length: 2 }, () => async () => {
        await delay(5_000);
        return HttpResponse.json({ id: 'late', count: 0 });
      }),
    );
    const { client, sleep } = createClient({
      timeoutMs: 50,
      retry: { maxAttempts: 2 },
    });

    const error = await client
      .request({ path: '/things', schema: thingSchema })
      .catch(e => e);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toBe(
      'Example GET https://api.example.test/v1/things failed after 2 attempt(s): timed out',
    );
    expect(seen).toHaveLength(2);
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('recovers from a timeout when the next attempt answers', async () => {
    sequence(
      '/things',
      async () => {
        await delay(5_000);
        return HttpResponse.json({ id: 'late', count: 0 });
      },
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    const { client } = createClient({ timeoutMs: 50 });

    await expect(
      client.request({ path: '/things', schema: thingSchema }),
    ).resolves.toEqual({ id: 'a', count: 1 });
  });

  it('retries network errors', async () => {
    const seen = sequence(
      '/things',
      () => HttpResponse.error(),
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    const { client } = createClient();

    await expect(
      client.request({ path: '/things', schema: thingSchema }),
    ).resolves.toEqual({ id: 'a', count: 1 });
    expect(seen).toHaveLength(2);
  });

  it('does not repeat a POST after a 5xx or a network error, which may have created something', async () => {
    const seen = sequence(
      '/things',
      () => new HttpResponse(null, { status: 500 }),
    );
    const { client } = createClient();

    await expect(
      client.request({
        method: 'POST',
        path: '/things',
        body: { name: 'x' },
        schema: thingSchema,
      }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(seen).toHaveLength(1);
  });

  it('does repeat a POST after 429, and an idempotent POST after 5xx', async () => {
    const seen = sequence(
      '/things',
      () => new HttpResponse(null, { status: 429 }),
      () => new HttpResponse(null, { status: 500 }),
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    const { client } = createClient();

    await client.request({
      method: 'POST',
      path: '/things',
      body: {},
      idempotent: true,
      schema: thingSchema,
    });
    expect(seen).toHaveLength(3);
  });

  it('signs every attempt anew', async () => {
    const seen = sequence(
      '/things',
      () => new HttpResponse(null, { status: 500 }),
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    let n = 0;
    const { client } = createClient({
      signRequest: ({ headers, method, url, body }) => {
        n += 1;
        headers.set('x-signature', `${method} ${url.pathname} ${body} #${n}`);
      },
    });

    await client.request({
      method: 'POST',
      path: '/things',
      body: {},
      idempotent: true,
      schema: thingSchema,
    });

    expect(seen.map(r => r.headers.get('x-signature'))).toEqual([
      'POST /v1/things {} #1',
      'POST /v1/things {} #2',
    ]);
  });

  it('logs method, origin and path only: never headers, query or secrets', async () => {
    sequence(
      '/things',
      () =>
        new HttpResponse(null, {
          status: 429,
          headers: { 'Retry-After': '1' },
        }),
      () => HttpResponse.json({ id: 'a', count: 1 }),
    );
    const { client, logged, logger } = createClient({
      headers: { 'x-api-key': SECRET },
    });

    await client.request({
      path: '/things',
      query: { token: 'query-secret' },
      schema: thingSchema,
    });

    expect(logger.debug).toHaveBeenCalledWith(
      expect.stringMatching(
        /^GET https:\/\/api\.example\.test\/v1\/things → 200 in \d+ ms \(attempt 2\)$/,
      ),
    );
    expect(logged()).not.toContain(SECRET);
    expect(logged()).not.toContain('query-secret');
  });

  it('uses an injected fetch', async () => {
    const fetchMock = jest.fn(async () => Response.json({ id: 'z', count: 9 }));
    const { client } = createClient({
      fetch: fetchMock as unknown as typeof fetch,
    });

    await expect(
      client.request({ path: '/things', schema: thingSchema }),
    ).resolves.toEqual({ id: 'z', count: 9 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
