import { mockServices } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { z } from 'zod/v3';
import { createProviderTestServer } from '../testUtils';
import {
  dailyReportPageSchema,
  requestDailyCosts,
  requestDailyUsage,
} from './dailyReports';
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

const report = {
  description: 'Example report',
  path: '/report',
  query: { group_by: ['key'] },
  schema: reportSchema,
  range: { from: '2025-01-02', to: '2025-01-02' },
  dayOf: (bucket: { day: string }) => bucket.day,
};

describe('daily reports', () => {
  it('reads every page of daily buckets and sums the usage rows of one identity', async () => {
    const seen = serveReport();

    const records = await requestDailyUsage(client(), {
      ...report,
      toRecord: (result, date) => ({
        date,
        providerKeyId: result.key,
        model: '',
        providerProjectId: '',
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
      ...report,
      toRecord: (result, date) => ({
        date,
        providerKeyId: result.key,
        model: '',
        providerProjectId: '',
        lineItem: '',
        amount: `0.${result.n}`,
        currency: 'USD',
      }),
    });

    expect(records.map(record => record.amount)).toEqual(['0.3']);
  });
});
