import { mockCredentials } from '@backstage/backend-test-utils';
import type { CallInput } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { ExportColumnId } from '../i18n';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  binaryBody,
  headerOf,
  readCsvExport,
  readXlsxExport,
} from '../__testUtils__/exports';
import {
  ADMIN,
  ALICE,
  BOB,
  startUsageBackend,
} from '../__testUtils__/usageBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const NOW = Date.now();
const iso = (offsetMs: number) => new Date(NOW - offsetMs).toISOString();

function call(overrides: Partial<CallInput>): CallInput {
  return {
    id: `c-${Math.random().toString(36).slice(2)}`,
    timestamp: iso(3_600_000),
    userRef: ALICE,
    projectId: 'alpha',
    provider: 'openai',
    model: 'gpt-4o',
    type: 'chat',
    status: 'success',
    durationMs: 800,
    inputTokens: 10,
    outputTokens: 5,
    cost: '0.25',
    currency: 'USD',
    ...overrides,
  };
}

const SEED: CallInput[] = [
  call({ id: 'a1', durationMs: 300, timestamp: iso(3_000_000) }),
  call({
    id: 'a2',
    status: 'failed',
    errorReason: '=HYPERLINK("http://evil","click")',
    durationMs: 2000,
    cost: '0',
    metadata: { route: '/chat' },
  }),
  call({ id: 'a3', durationMs: 900, cost: '0.000000001' }),
  call({ id: 'b1', userRef: BOB, projectId: 'alpha', durationMs: 100 }),
  call({ id: 'b2', userRef: BOB, projectId: 'beta', cost: '1.5' }),
  call({
    id: 'd1',
    userRef: 'user:default/dave',
    projectId: 'beta',
    provider: 'volcengine',
    model: 'doubao-pro-32k',
    cost: '3.2',
    currency: 'CNY',
  }),
];

describe.each(databases.eachSupportedId())(
  'export router on %p',
  databaseId => {
    const asUser = (ref: string) => mockCredentials.user.header(ref);

    async function seededBackend(calls: CallInput[] = SEED) {
      const server = await startUsageBackend(databases, databaseId);
      for (let i = 0; i < calls.length; i += 1000) {
        const response = await request(server)
          .post('/api/llm-usage/calls')
          .set('Authorization', mockCredentials.service.header())
          .send(calls.slice(i, i + 1000));
        expect(response.status).toBe(200);
      }
      return server;
    }

    describe('GET /usage/projects/export', () => {
      it('exports every visible project as CSV, one cost column per currency', async () => {
        const server = await seededBackend();
        const response = await request(server)
          .get('/api/llm-usage/usage/projects/export')
          .query({ sort: 'calls', order: 'desc' })
          .set('Authorization', asUser(ADMIN));
        expect(response.status).toBe(200);
        expect(response.headers['content-disposition']).toMatch(
          /^attachment; filename="llm-usage-projects_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv"$/,
        );
        const [header, ...rows] = readCsvExport(response.text);
        expect(header).toEqual([
          'Project ID',
          'Catalog entity',
          'Entity title',
          'Owners',
          'Calls',
          'Successful calls',
          'Failed calls',
          'Calls in progress',
          'Success rate (0–1)',
          'Input tokens',
          'Output tokens',
          'Cached tokens',
          'Total tokens',
          'Average latency (ms)',
          'P95 latency (ms)',
          'Last call',
          'Cost (CNY)',
          'Cost (USD)',
        ]);
        const cell = (row: string[], name: string) => row[header.indexOf(name)];
        const costUSD = headerOf('cost', { currency: 'USD' });
        const costCNY = headerOf('cost', { currency: 'CNY' });
        expect(rows.map(r => r[0])).toEqual(['alpha', 'beta']);
        expect(cell(rows[0], headerOf('entityRef'))).toBe(
          'component:default/alpha-service',
        );
        expect(cell(rows[0], headerOf('owners'))).toBe('group:default/team-a');
        expect(cell(rows[0], headerOf('calls'))).toBe('4');
        expect(cell(rows[0], headerOf('failedCalls'))).toBe('1');
        expect(cell(rows[0], costUSD)).toBe('0.500000001');
        expect(cell(rows[0], costCNY)).toBe('0');
        expect(cell(rows[1], costUSD)).toBe('1.5');
        expect(cell(rows[1], costCNY)).toBe('3.2');
      });

      it('applies search and sort like the list', async () => {
        const server = await seededBackend();
        const sorted = await request(server)
          .get('/api/llm-usage/usage/projects/export')
          .query({ sort: 'projectId', order: 'desc' })
          .set('Authorization', asUser(ADMIN));
        expect(readCsvExport(sorted.text).map(r => r[0])).toEqual([
          'Project ID',
          'beta',
          'alpha',
        ]);
        const searched = await request(server)
          .get('/api/llm-usage/usage/projects/export')
          .query({ search: 'beta-serv' })
          .set('Authorization', asUser(ADMIN));
        expect(readCsvExport(searched.text).map(r => r[0])).toEqual([
          'Project ID',
          'beta',
        ]);
      });

      it('exports XLSX scoped to what the user may see', async () => {
        const server = await seededBackend();
        // Bob owns beta and made one call in alpha.
        const response = await binaryBody(
          request(server)
            .get('/api/llm-usage/usage/projects/export')
            .query({ format: 'xlsx', sort: 'projectId', order: 'asc' })
            .set('Authorization', asUser(BOB)),
        );
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toBe(
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        );
        const [header, ...rows] = await readXlsxExport(response.body);
        const cell = (row: unknown[], name: string) =>
          row[header.indexOf(name)];
        expect(rows.map(r => r[0])).toEqual(['alpha', 'beta']);
        expect(cell(rows[0], headerOf('calls'))).toBe(1);
        expect(cell(rows[0], headerOf('cost', { currency: 'USD' }))).toBe(0.25);
        expect(cell(rows[1], headerOf('calls'))).toBe(2);
        expect(cell(rows[1], headerOf('cost', { currency: 'CNY' }))).toBe(3.2);

        const alice = await request(server)
          .get('/api/llm-usage/usage/projects/export')
          .set('Authorization', asUser(ALICE));
        expect(readCsvExport(alice.text).map(r => r[0])).toEqual([
          'Project ID',
          'alpha',
        ]);
      });
    });

    describe('GET /usage/projects/:projectId/calls/export', () => {
      it('exports the filtered calls with formula cells escaped', async () => {
        const server = await seededBackend();
        const response = await request(server)
          .get('/api/llm-usage/usage/projects/alpha/calls/export')
          .query({ status: 'failed' })
          .set('Authorization', asUser(ADMIN));
        expect(response.status).toBe(200);
        expect(response.headers['content-disposition']).toMatch(
          /^attachment; filename="llm-usage-calls_alpha_[\d-]+_[\d-]+\.csv"$/,
        );
        const [header, ...rows] = readCsvExport(response.text);
        expect(rows).toHaveLength(1);
        const cell = (name: ExportColumnId) =>
          rows[0][header.indexOf(headerOf(name))];
        expect(cell('callId')).toBe('a2');
        expect(cell('status')).toBe('failed');
        expect(cell('errorReason')).toBe(`'=HYPERLINK("http://evil","click")`);
        expect(cell('metadata')).toBe('{"route":"/chat"}');
        expect(cell('cost')).toBe('0');
      });

      it('keeps the sort of the call history', async () => {
        const server = await seededBackend();
        const response = await binaryBody(
          request(server)
            .get('/api/llm-usage/usage/projects/alpha/calls/export')
            .query({ format: 'xlsx', sort: 'latency', order: 'asc' })
            .set('Authorization', asUser(ADMIN)),
        );
        const [header, ...rows] = await readXlsxExport(response.body);
        expect(rows.map(r => r[header.indexOf(headerOf('callId'))])).toEqual([
          'b1',
          'a1',
          'a3',
          'a2',
        ]);
        expect(
          rows.map(r => r[header.indexOf(headerOf('durationMs'))]),
        ).toEqual([100, 300, 900, 2000]);
        expect(rows[2][header.indexOf(headerOf('cost'))]).toBe(0.000000001);
      });

      it('shows a user only the calls they may see', async () => {
        const server = await seededBackend();
        const bob = await request(server)
          .get('/api/llm-usage/usage/projects/alpha/calls/export')
          .set('Authorization', asUser(BOB));
        expect(readCsvExport(bob.text).map(r => r[1])).toEqual([
          'Call ID',
          'b1',
        ]);
        // A catalog project Alice neither owns nor called: headers only.
        const alice = await request(server)
          .get('/api/llm-usage/usage/projects/beta/calls/export')
          .set('Authorization', asUser(ALICE));
        expect(alice.status).toBe(200);
        expect(readCsvExport(alice.text)).toHaveLength(1);
        const unknown = await request(server)
          .get('/api/llm-usage/usage/projects/nope/calls/export')
          .set('Authorization', asUser(ALICE));
        expect(unknown.status).toBe(404);
      });

      it('pages through more calls than one database read', async () => {
        const many = Array.from({ length: 1250 }, (_, i) =>
          call({
            id: `m-${String(i).padStart(4, '0')}`,
            timestamp: iso(60_000 + i * 1000),
          }),
        );
        const server = await seededBackend(many);
        const response = await request(server)
          .get('/api/llm-usage/usage/projects/alpha/calls/export')
          .set('Authorization', asUser(ADMIN));
        const ids = readCsvExport(response.text)
          .slice(1)
          .map(r => r[1]);
        expect(ids).toHaveLength(1250);
        expect(new Set(ids).size).toBe(1250);
        // Newest first, as the list sorts by default.
        expect(ids[0]).toBe('m-0000');
        expect(ids[1249]).toBe('m-1249');
      });
    });

    describe("headers in the requester's language", () => {
      it.each([
        [
          'de',
          ['Projekt-ID', 'Katalog-Entität', 'Entitätstitel'],
          ['Zeitpunkt', 'Aufruf-ID', 'Zustand', 'Anbieter'],
          'Kosten (USD)',
        ],
        [
          'zh',
          ['项目 ID', '目录实体', '实体标题'],
          ['时间', '调用 ID', '状态', '服务商'],
          '费用（USD）',
        ],
      ])(
        '%s: the language the user chose in the app; values unchanged',
        async (language, projectHeaders, callHeaders, costUSD) => {
          const server = await seededBackend();
          const chosen = await request(server)
            .put('/api/llm-usage/preferences/language')
            .set('Authorization', asUser(ADMIN))
            .send({ language });
          expect(chosen.status).toBe(200);

          const projects = readCsvExport(
            (
              await request(server)
                .get('/api/llm-usage/usage/projects/export')
                .query({ sort: 'projectId', order: 'asc' })
                .set('Authorization', asUser(ADMIN))
            ).text,
          );
          expect(projects[0].slice(0, 3)).toEqual(projectHeaders);
          expect(projects[1][projects[0].indexOf(costUSD)]).toBe('0.500000001');
          const calls = await readXlsxExport(
            (
              await binaryBody(
                request(server)
                  .get('/api/llm-usage/usage/projects/alpha/calls/export')
                  .query({ format: 'xlsx', status: 'failed' })
                  .set('Authorization', asUser(ADMIN)),
              )
            ).body,
          );
          expect(calls[0].slice(0, 4)).toEqual(callHeaders);
          // Values stay machine-readable: the id and the enum as sent.
          expect(calls[1].slice(1, 3)).toEqual(['a2', 'failed']);

          // Another user without a choice reads the configured default.
          const bob = readCsvExport(
            (
              await request(server)
                .get('/api/llm-usage/usage/projects/export')
                .set('Authorization', asUser(BOB))
            ).text,
          );
          expect(bob[0][0]).toBe('Project ID');
        },
      );
    });

    describe('bad requests', () => {
      it.each([
        ['/usage/projects/export', { format: 'pdf' }, 'format'],
        ['/usage/projects/export', { limit: '10' }, 'limit'],
        ['/usage/projects/export', { sort: 'nope' }, 'sort'],
        ['/usage/projects/alpha/calls/export', { status: 'ok' }, 'status'],
        ['/usage/projects/alpha/calls/export', { cursor: 'abc' }, 'cursor'],
        ['/usage/projects/alpha/calls/export', { from: 'yesterday' }, 'from'],
      ])('%s with %j → 400 naming %s', async (path, query, field) => {
        const server = await startUsageBackend(databases, databaseId);
        const response = await request(server)
          .get(`/api/llm-usage${path}`)
          .query(query)
          .set('Authorization', asUser(ADMIN));
        expect(response.status).toBe(400);
        expect(response.body.error.message).toContain(`'${field}'`);
      });

      it('requires authentication', async () => {
        const server = await startUsageBackend(databases, databaseId);
        const response = await request(server)
          .get('/api/llm-usage/usage/projects/export')
          .set('Authorization', mockCredentials.user.invalidHeader());
        expect(response.status).toBe(401);
      });
    });
  },
);
