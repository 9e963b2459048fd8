/**
 * @jest-environment node
 */
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ResponseError } from '@backstage/errors';
import { LlmUsageClient } from './LlmUsageClient';

const baseUrl = 'http://localhost:7007/api/llm-usage';

describe('LlmUsageClient', () => {
  // Node environment: the test utils packages pull in browser-only modules,
  // so the msw lifecycle is wired by hand.
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const fetchSpy = jest.fn((input: RequestInfo | URL, init?: RequestInit) =>
    fetch(input, init),
  );
  const client = new LlmUsageClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: fetchSpy },
  });

  beforeEach(() => fetchSpy.mockClear());

  function captureQuery(path: string, body: object = {}) {
    const seen: { url?: URL } = {};
    server.use(
      http.get(`${baseUrl}${path}`, ({ request }) => {
        seen.url = new URL(request.url);
        return HttpResponse.json(body);
      }),
    );
    return seen;
  }

  it('gets the overview for a range through the fetch API', async () => {
    const seen = captureQuery('/usage/overview', { current: { calls: 3 } });
    const result = await client.getOverview({
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-01-31T00:00:00.000Z',
    });
    expect(result).toEqual({ current: { calls: 3 } });
    expect(seen.url?.searchParams.get('from')).toBe('2025-01-01T00:00:00.000Z');
    expect(seen.url?.searchParams.get('to')).toBe('2025-01-31T00:00:00.000Z');
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it("reads a Group's projects and member spend under the Group's namespace and name", async () => {
    const projects = captureQuery('/groups/platform/ai-team/projects', {
      groupRef: 'group:platform/ai-team',
      items: [],
    });
    const result = await client.getGroupProjects('group:platform/ai-team', {
      sort: 'cost',
      offset: 200,
      limit: 25,
    });
    expect(result.groupRef).toBe('group:platform/ai-team');
    expect(Object.fromEntries(projects.url!.searchParams)).toEqual({
      sort: 'cost',
      offset: '200',
      limit: '25',
    });
    // A bare name is a Group in the default namespace.
    const spend = captureQuery('/groups/default/ai-team/spend', { items: [] });
    await client.getGroupSpend('ai-team', { offset: 25 });
    expect(Object.fromEntries(spend.url!.searchParams)).toEqual({
      offset: '25',
    });
  });

  it('leaves unset parameters out of the query', async () => {
    const seen = captureQuery('/usage/projects', { items: [] });
    await client.getProjects({ search: 'chat', sort: 'cost', offset: 0 });
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      search: 'chat',
      sort: 'cost',
      offset: '0',
    });
  });

  it('sends trend buckets, zone and split', async () => {
    const seen = captureQuery('/usage/trends');
    await client.getTrends({
      interval: 'week',
      tz: 'Asia/Shanghai',
      split: 'provider',
    });
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      interval: 'week',
      tz: 'Asia/Shanghai',
      split: 'provider',
    });
  });

  it('encodes the project id in project paths', async () => {
    const stats = captureQuery('/usage/projects/team%2Fbot%20one/stats');
    const trends = captureQuery('/usage/projects/team%2Fbot%20one/trends');
    const models = captureQuery('/usage/projects/team%2Fbot%20one/models');
    await client.getProjectStats('team/bot one');
    await client.getProjectTrends('team/bot one', { interval: 'hour' });
    await client.getProjectModels('team/bot one');
    expect(stats.url).toBeDefined();
    expect(trends.url?.searchParams.get('interval')).toBe('hour');
    expect(models.url).toBeDefined();
  });

  it('passes call filters, sort and the keyset cursor', async () => {
    const seen = captureQuery('/usage/projects/p1/calls', {
      items: [],
      nextCursor: 'abc',
    });
    const result = await client.getProjectCalls('p1', {
      status: 'failed',
      model: 'gpt-4o',
      sort: 'latency',
      order: 'desc',
      limit: 25,
      cursor: 'xyz',
    });
    expect(result.nextCursor).toBe('abc');
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      status: 'failed',
      model: 'gpt-4o',
      sort: 'latency',
      order: 'desc',
      limit: '25',
      cursor: 'xyz',
    });
  });

  it('turns a Backstage error body into a ResponseError', async () => {
    server.use(
      http.get(`${baseUrl}/usage/overview`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: "Invalid 'from'" },
            request: { method: 'GET', url: '/usage/overview' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await client.getOverview({ from: 'nope' }).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(400);
    expect(error.body.error.message).toBe("Invalid 'from'");
  });

  it('downloads a project call export with the filters and the server file name', async () => {
    const seen: { url?: URL } = {};
    server.use(
      http.get(
        `${baseUrl}/usage/projects/my%20bot/calls/export`,
        ({ request }) => {
          seen.url = new URL(request.url);
          return new HttpResponse('id\r\nc1\r\n', {
            headers: {
              'Content-Type': 'text/csv; charset=utf-8',
              'Content-Disposition':
                'attachment; filename="llm-usage-calls_my_bot_2025-01-01_2025-01-31.csv"',
            },
          });
        },
      ),
    );
    const file = await client.exportProjectCalls(
      'my bot',
      { from: '2025-01-01T00:00:00.000Z', status: 'failed', sort: 'latency' },
      'csv',
    );
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      from: '2025-01-01T00:00:00.000Z',
      status: 'failed',
      sort: 'latency',
      format: 'csv',
    });
    expect(file.filename).toBe(
      'llm-usage-calls_my_bot_2025-01-01_2025-01-31.csv',
    );
    expect(await file.blob.text()).toBe('id\r\nc1\r\n');
  });

  it('fails an export with the backend error, not a file', async () => {
    server.use(
      http.get(`${baseUrl}/usage/projects/export`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: "Invalid 'format'" },
            request: { method: 'GET', url: '/usage/projects/export' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await client
      .exportProjects({ search: 'x' }, 'xlsx')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(400);
  });

  it('sends each read to its path with the caller\'s abort signal', async () => {
    const paths = [
      '/info',
      '/usage/overview',
      '/keys/k%2F1',
      '/slo/projects/p%201',
      '/usage/projects/p%201/stats',
      '/keys/k%2F1/usage',
    ];
    const seen = paths.map(path => captureQuery(path));
    const { signal } = new AbortController();
    await client.getInfo({ signal });
    await client.getOverview({ from: '2025-01-01T00:00:00.000Z' }, { signal });
    await client.getKey('k/1', { signal });
    await client.getProjectSlo('p 1', { signal });
    await client.getProjectStats('p 1', { to: '2025-02-01' }, { signal });
    await client.getKeyUsage('k/1', { from: 'a', to: 'b' }, { signal });
    expect(seen.every(s => s.url)).toBe(true);
    expect(seen[1].url?.searchParams.get('from')).toBe(
      '2025-01-01T00:00:00.000Z',
    );
    expect(seen[4].url?.searchParams.get('to')).toBe('2025-02-01');
    expect(Object.fromEntries(seen[5].url!.searchParams)).toEqual({
      from: 'a',
      to: 'b',
    });
    expect(fetchSpy.mock.calls.map(([, init]) => init?.signal)).toEqual(
      paths.map(() => signal),
    );
  });

  it('reads the installation info', async () => {
    captureQuery('/info', { demoDataEnabled: true, rolledUntil: null });
    expect(await client.getInfo()).toEqual({
      demoDataEnabled: true,
      rolledUntil: null,
    });
  });
  it('sends key list filters comma separated and leaves false and empty filters out', async () => {
    const seen = captureQuery('/keys', { items: [], total: 0 });
    await client.listKeys({
      provider: ['openai', 'anthropic'],
      status: ['active'],
      tag: [],
      orphaned: false,
      q: '',
      minMonthCost: '12.50',
      limit: 20,
    });
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      provider: 'openai,anthropic',
      status: 'active',
      minMonthCost: '12.50',
      limit: '20',
    });
  });

  it('sends only the parameters the spec declares for the operation', async () => {
    const seen = captureQuery('/usage/overview', {});
    await client.getOverview({
      from: '2025-01-01T00:00:00.000Z',
      // A page passing more than the query type names must not get a 400
      // from the backend's strict query schemas.
      ...({ search: 'leftover' } as object),
    });
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      from: '2025-01-01T00:00:00.000Z',
    });
  });

  it('sends a change as JSON with its method and path', async () => {
    const seen: { method?: string; body?: unknown; type?: string | null } = {};
    server.use(
      http.patch(`${baseUrl}/keys/k%2F1`, async ({ request }) => {
        seen.method = request.method;
        seen.type = request.headers.get('Content-Type');
        seen.body = await request.json();
        return HttpResponse.json({ id: 'k/1', name: 'renamed' });
      }),
    );
    const key = await client.updateKey('k/1', { name: 'renamed' });
    expect(seen).toEqual({
      method: 'PATCH',
      type: 'application/json',
      body: { name: 'renamed' },
    });
    expect(key).toEqual({ id: 'k/1', name: 'renamed' });
  });

  it('resolves a 204 delete to nothing and rejects a refused one', async () => {
    server.use(
      http.delete(
        `${baseUrl}/tags/t1`,
        () => new HttpResponse(null, { status: 204 }),
      ),
      http.delete(`${baseUrl}/tags/t2`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'admin only' },
            request: { method: 'DELETE', url: '/tags/t2' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(client.deleteTag('t1')).resolves.toBeUndefined();
    const error = await client.deleteTag('t2').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(403);
  });

  it('exports chosen keys with their ids comma separated', async () => {
    const seen: { url?: URL } = {};
    server.use(
      http.get(`${baseUrl}/keys/export`, ({ request }) => {
        seen.url = new URL(request.url);
        return new HttpResponse('id\r\n', {
          headers: { 'Content-Type': 'text/csv' },
        });
      }),
    );
    const file = await client.exportKeys({ ids: ['a', 'b'] }, 'csv');
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      ids: 'a,b',
      format: 'csv',
    });
    expect(file.filename).toBe('llm-usage-keys.csv');
  });

  it('asks for unread alerts only when asked', async () => {
    const seen = captureQuery('/alerts', { items: [] });
    await client.listAlerts({ unread: true, severity: 'error' });
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      unread: 'true',
      severity: 'error',
    });
    const none = captureQuery('/alerts', { items: [] });
    await client.listAlerts({ unread: false });
    expect(Object.fromEntries(none.url!.searchParams)).toEqual({});
  });
});
