import { mockServices } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { z } from 'zod/v3';
import { ProviderResponseError } from '../errors';
import { createProviderTestServer } from '../testUtils';
import {
  dailyReportPageSchema,
  requestDailyCosts,
  requestDailyUsage,
} from './dailyReports';
import {
  lastIdPageSchema,
  nextPageTokenPageSchema,
  requestAllAfterLastId,
  requestAllByNextPage,
} from './pages';
import { ProviderHttpClient } from './ProviderHttpClient';

const BASE = 'https://api.example.test/v1';

const server = createProviderTestServer();

const client = () =>
  new ProviderHttpClient({
    providerName: 'Example',
    baseUrl: BASE,
    logger: mockServices.logger.mock(),
    retry: { maxAttempts: 1 },
  });

/** Answers each request with the page named by `param` (or `first`). */
function pages(path: string, param: string, byCursor: Record<string, unknown>) {
  const seen: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}${path}`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      seen.push(query);
      return HttpResponse.json(byCursor[query.get(param) ?? 'first'] as any);
    }),
  );
  return seen;
}

const itemList = lastIdPageSchema(z.object({ id: z.string(), n: z.number() }));
const report = nextPageTokenPageSchema(z.object({ day: z.string() }));

describe('requestAllAfterLastId', () => {
  it('continues after last_id, or the last item when there is none', async () => {
    const seen = pages('/items', 'after_id', {
      first: { data: [{ id: 'a', n: 1 }], has_more: true, last_id: 'a' },
      a: { data: [{ id: 'b', n: 2 }], has_more: true },
      b: { data: [{ id: 'c', n: 3 }], has_more: false, last_id: 'c' },
    });

    const items = await requestAllAfterLastId(client(), {
      description: 'Example items',
      path: '/items',
      query: { limit: 100, order: 'asc' },
      cursorParam: 'after_id',
      schema: itemList,
    });

    expect(items.map(item => item.n)).toEqual([1, 2, 3]);
    expect(seen.map(query => query.toString())).toEqual([
      'limit=100&order=asc',
      'limit=100&order=asc&after_id=a',
      'limit=100&order=asc&after_id=b',
    ]);
  });

  it('fails as a whole when has_more comes with nothing to continue after', async () => {
    pages('/items', 'after', {
      first: { data: [{ id: 'a', n: 1 }], has_more: true, last_id: 'a' },
      a: { data: [], has_more: true, last_id: null },
    });

    await expect(
      requestAllAfterLastId(client(), {
        description: 'Example items',
        path: '/items',
        cursorParam: 'after',
        schema: itemList,
      }),
    ).rejects.toThrow(
      new ProviderResponseError('Example items: has_more without last_id'),
    );
  });

  it('fails as a whole when a later page does not match the schema', async () => {
    pages('/items', 'after', {
      first: { data: [{ id: 'a', n: 1 }], has_more: true },
      a: { data: [{ id: 'b', n: 'two' }], has_more: false },
    });

    await expect(
      requestAllAfterLastId(client(), {
        description: 'Example items',
        path: '/items',
        cursorParam: 'after',
        schema: itemList,
      }),
    ).rejects.toThrow(/data\.0\.n: expected number, got string/);
  });
});

describe('requestAllByNextPage', () => {
  it('follows next_page tokens to the end', async () => {
    const seen = pages('/report', 'page', {
      first: { data: [{ day: '1' }], has_more: true, next_page: 'p2' },
      p2: { data: [], has_more: true, next_page: 'p3' },
      p3: { data: [{ day: '3' }], has_more: false, next_page: null },
    });

    const items = await requestAllByNextPage(client(), {
      description: 'Example report',
      path: '/report',
      query: { bucket_width: '1d', 'group_by[]': ['model', 'key'] },
      cursorParam: 'page',
      schema: report,
    });

    expect(items).toEqual([{ day: '1' }, { day: '3' }]);
    expect(seen.map(query => query.get('page'))).toEqual([null, 'p2', 'p3']);
    expect(seen[0].getAll('group_by[]')).toEqual(['model', 'key']);
  });

  it('fails as a whole when has_more comes without next_page', async () => {
    pages('/report', 'page', {
      first: { data: [{ day: '1' }], has_more: true },
    });

    await expect(
      requestAllByNextPage(client(), {
        description: 'Example report',
        path: '/report',
        cursorParam: 'page',
        schema: report,
      }),
    ).rejects.toThrow(
      new ProviderResponseError('Example report: has_more without next_page'),
    );
  });

  it('stops a provider that repeats a token, and one that pages past maxPages', async () => {
    pages('/report', 'page', {
      first: { data: [], has_more: true, next_page: 'p2' },
      p2: { data: [], has_more: true, next_page: 'p2' },
    });
    const request = (maxPages?: number) =>
      requestAllByNextPage(client(), {
        description: 'Example report',
        path: '/report',
        cursorParam: 'page',
        schema: report,
        maxPages,
      });

    await expect(request()).rejects.toThrow(/repeated a page cursor/);
    await expect(request(1)).rejects.toThrow(/more than 1 pages/);
  });
});

const reportSchema = dailyReportPageSchema(
  { day: z.string() },
  z.object({ key: z.string(), n: z.number() }),
);

/** Two pages: a day before the range and a day of it, then the same day again. */
function serveReport() {
  const seen: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}/report`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      seen.push(query);
      if (!query.get('page')) {
        return HttpResponse.json({
          data: [
            { day: '2025-01-01', results: [{ key: 'k', n: 100 }] },
            { day: '2025-01-02', results: [{ key: 'k', n: 1 }] },
          ],
          has_more: true,
          next_page: 'p2',
        });
      }
      return HttpResponse.json({
        data: [{ day: '2025-01-02', results: [{ key: 'k', n: 2 }] }],
        has_more: false,
      });
    }),
  );
  return seen;
}

const dailyReport = {
  description: 'Example report',
  path: '/report',
  query: { group_by: ['key'] },
  schema: reportSchema,
  range: { from: '2025-01-02', to: '2025-01-02' },
  dayOf: (bucket: { day: string }) => bucket.day,
};

/** The day and key of a report row; no model or project. */
const recordOf = (result: { key: string }, date: string) => ({
  date,
  providerKeyId: result.key,
  model: '',
  providerProjectId: '',
});

describe('daily reports', () => {
  it('reads every page of daily buckets and sums the usage rows of one identity', async () => {
    const seen = serveReport();

    const records = await requestDailyUsage(client(), {
      ...dailyReport,
      toRecord: (result, date) => ({
        ...recordOf(result, date),
        inputTokens: result.n,
        outputTokens: 0,
        cachedTokens: 0,
        requests: null,
      }),
    });

    // The bucket of 2025-01-01 lies outside the range.
    expect(records).toEqual([
      expect.objectContaining({
        date: '2025-01-02',
        providerKeyId: 'k',
        inputTokens: 3,
      }),
    ]);
    expect(seen.map(query => query.toString())).toEqual([
      'group_by=key&bucket_width=1d',
      'group_by=key&bucket_width=1d&page=p2',
    ]);
  });

  it('sums the cost rows of one identity exactly', async () => {
    serveReport();

    const records = await requestDailyCosts(client(), {
      ...dailyReport,
      toRecord: (result, date) => ({
        ...recordOf(result, date),
        lineItem: '',
        amount: `0.${result.n}`,
        currency: 'USD',
      }),
    });

    expect(records.map(record => record.amount)).toEqual(['0.3']);
  });
});
