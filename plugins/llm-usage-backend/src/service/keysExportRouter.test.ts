import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  ApiKey,
  KeyListResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import request from 'supertest';
import {
  binaryBody,
  headerOf,
  readCsvExport,
  readXlsxExport,
} from '../__testUtils__/exports';
import type { KeyListInput } from '../keys/keySchemas';
import { translatorFor, type ExportColumnId } from '../i18n';
import { createKeysExportRouter } from './keysExportRouter';

const ALICE = 'user:default/alice';

function key(id: string, overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id,
    accountId: 'acc',
    accountName: 'Main',
    provider: 'openai',
    providerKeyId: null,
    providerProjectId: null,
    name: `key ${id}`,
    maskedHint: 'sk-…1234',
    status: 'active',
    source: 'provider',
    ownerRef: 'group:default/team-a',
    componentRef: null,
    notes: null,
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    expiryState: 'none',
    lastUsedAt: null,
    limit: null,
    providerUsage: null,
    month: {
      inputTokens: 10,
      outputTokens: 5,
      requests: 2,
      cost: [{ currency: 'USD', amount: '0.000000001' }],
    },
    hasSecret: false,
    lastError: null,
    syncedAt: null,
    removedAtProviderAt: null,
    capabilities: { setEnabledAtProvider: true, deleteAtProvider: true },
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A key source that pages a fixed list and records the queries it got. */
function sourceOf(keys: ApiKey[]) {
  const calls: Array<{ subject: string; query: KeyListInput }> = [];
  return {
    calls,
    list: jest.fn(async (credentials, query: KeyListInput) => {
      calls.push({
        subject: (credentials.principal as { userEntityRef: string })
          .userEntityRef,
        query,
      });
      const items = keys.slice(query.offset, query.offset + query.limit);
      const response: KeyListResponse = {
        items,
        total: keys.length,
        offset: query.offset,
        limit: query.limit,
      };
      return response;
    }),
  };
}

async function appWith(
  keys: ApiKey[],
  decision: AuthorizeResult = AuthorizeResult.ALLOW,
) {
  const source = sourceOf(keys);
  const audit = { record: jest.fn(async () => 'audit-id') };
  const permissions = mockServices.permissions.mock({
    authorizeConditional: jest.fn(async () => [
      decision === AuthorizeResult.CONDITIONAL
        ? {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'llm-usage',
            resourceType: 'llm-usage-key',
            conditions: {
              rule: 'IS_OWNER',
              resourceType: 'llm-usage-key',
              params: { claims: [] },
            },
          }
        : { result: decision },
    ]) as any,
  });
  const router = await createKeysExportRouter({
    httpAuth: mockServices.httpAuth(),
    permissions,
    keys: source,
    logger: mockServices.logger.mock(),
    audit,
    recipientLanguages: {
      translatorForCaller: async () => translatorFor('en'),
    },
  });
  const app = express();
  app.use(router);
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return { app, source, permissions, audit };
}

describe('GET /keys/export', () => {
  const asAlice = mockCredentials.user.header(ALICE);

  it('streams the filtered list as CSV with formula cells escaped', async () => {
    const { app, source } = await appWith([
      key('k1', { name: '=HYPERLINK("http://evil","x")', notes: '@SUM(A1)' }),
      key('k2', {
        name: '+cmd',
        tags: [{ id: 't1', name: '-tag', color: null }],
        month: {
          inputTokens: 1,
          outputTokens: 1,
          requests: 1,
          cost: [
            { currency: 'USD', amount: '1.5' },
            { currency: 'CNY', amount: '3' },
          ],
        },
      }),
    ]);
    const response = await request(app)
      .get('/keys/export?format=csv&status=active&sort=expiresAt&order=desc')
      .set('Authorization', asAlice);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toMatch(
      /attachment; filename="llm-usage-keys_\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const rows = readCsvExport(response.text);
    const header = rows[0];
    const cell = (row: string[], name: ExportColumnId) =>
      row[header.indexOf(headerOf(name))];
    expect(rows).toHaveLength(3);
    expect(cell(rows[1], 'keyName')).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(cell(rows[1], 'notes')).toBe(`'@SUM(A1)`);
    expect(cell(rows[1], 'monthCost')).toBe('0.000000001');
    expect(cell(rows[2], 'keyName')).toBe(`'+cmd`);
    expect(cell(rows[2], 'tags')).toBe(`'-tag`);
    // Two currencies: no single number, each amount kept apart.
    expect(cell(rows[2], 'monthCost')).toBe('');
    expect(cell(rows[2], 'monthCostByCurrency')).toBe('1.5 USD; 3 CNY');
    // Filters and sort are the caller's, read as GET /keys reads them.
    expect(source.calls[0]).toEqual({
      subject: ALICE,
      query: expect.objectContaining({
        status: ['active'],
        sort: 'expiresAt',
        order: 'desc',
        offset: 0,
      }),
    });
  });

  it('pages through large lists and exports only the selection when asked', async () => {
    const keys = Array.from({ length: 1203 }, (_, i) =>
      key(`k${String(i).padStart(4, '0')}`),
    );
    const { app, source } = await appWith(keys);
    const all = await request(app)
      .get('/keys/export')
      .set('Authorization', asAlice);
    expect(readCsvExport(all.text)).toHaveLength(1204);
    expect(source.calls.map(c => c.query.offset)).toEqual([0, 500, 1000]);

    const selected = await request(app)
      .get('/keys/export?ids=k0007,k1200')
      .set('Authorization', asAlice);
    const rows = readCsvExport(selected.text);
    expect(rows.slice(1).map(r => r[0])).toEqual(['k0007', 'k1200']);
  });

  it('passes the month usage bounds on as tokens and nanos', async () => {
    const { app, source, audit } = await appWith([key('k1')]);
    const response = await request(app)
      .get(
        '/keys/export?minMonthTokens=100&maxMonthTokens=5000&minMonthCost=0.25&maxMonthCost=12',
      )
      .set('Authorization', asAlice);
    expect(response.status).toBe(200);
    expect(source.calls[0].query).toMatchObject({
      minMonthTokens: 100,
      maxMonthTokens: 5000,
      minMonthCost: 250_000_000n,
      maxMonthCost: 12_000_000_000n,
    });
    // The audit record carries the filters as sent, so it can be stored as JSON.
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'keys.export',
        targetId: 'keys',
        after: {
          format: 'csv',
          filters: {
            minMonthTokens: '100',
            maxMonthTokens: '5000',
            minMonthCost: '0.25',
            maxMonthCost: '12',
          },
          selectedKeys: undefined,
        },
      }),
    );
    expect(() =>
      JSON.stringify((audit.record.mock.calls[0] as any[])[0].after),
    ).not.toThrow();
  });

  it('writes XLSX with escaped text and exact numbers', async () => {
    const { app } = await appWith([
      key('k1', { name: '=1+1', ownerRef: null }),
    ]);
    const response = await binaryBody(
      request(app)
        .get('/keys/export?format=xlsx')
        .set('Authorization', asAlice),
    );
    expect(response.status).toBe(200);
    const rows = await readXlsxExport(response.body);
    const header = rows[0] as string[];
    const cell = (name: ExportColumnId) =>
      rows[1][header.indexOf(headerOf(name))];
    expect(cell('keyName')).toBe(`'=1+1`);
    expect(cell('monthInputTokens')).toBe(10);
    expect(cell('ownerRef')).toBeNull();
  });

  it('refuses callers without read access to keys', async () => {
    const { app, source } = await appWith([key('k1')], AuthorizeResult.DENY);
    const response = await request(app)
      .get('/keys/export')
      .set('Authorization', asAlice);
    expect(response.status).toBe(403);
    expect(response.body.error.name).toBe('NotAllowedError');
    expect(source.list).not.toHaveBeenCalled();
  });

  it('lets conditional readers export what the source lets them see', async () => {
    const { app, source } = await appWith(
      [key('k1')],
      AuthorizeResult.CONDITIONAL,
    );
    const response = await request(app)
      .get('/keys/export')
      .set('Authorization', asAlice);
    expect(response.status).toBe(200);
    expect(source.list).toHaveBeenCalledTimes(1);
  });

  it('rejects bad parameters with a 400 naming the parameter', async () => {
    const { app } = await appWith([key('k1')]);
    for (const [query, name] of [
      ['format=pdf', 'format'],
      ['status=broken', 'status'],
      ['limit=5', 'limit'],
      ['ids=', 'ids'],
      ['minMonthCost=1e3', 'minMonthCost'],
      ['maxMonthTokens=-5', 'maxMonthTokens'],
    ]) {
      const response = await request(app)
        .get(`/keys/export?${query}`)
        .set('Authorization', asAlice);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(
        `Invalid query parameter '${name}`,
      );
    }
  });

  it('is for users only', async () => {
    const { app } = await appWith([key('k1')]);
    const response = await request(app)
      .get('/keys/export')
      .set('Authorization', mockCredentials.service.header());
    expect(response.status).toBe(403);
  });
});
