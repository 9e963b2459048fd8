import { ACCOUNTS_TABLE, PROVIDER_USAGE_TABLE } from '../accounts/tables';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/databases';
import { providerUsageRow } from '../__testUtils__/providerUsage';
import { parseQuery } from '../lib/parseInput';
import { keyListQuerySchema } from './keySchemas';
import { KeyStore, type KeyFilter } from './KeyStore';
import { DatabaseKeyStore } from './DatabaseKeyStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const NOW = Date.UTC(2026, 5, 20, 12);
const THIS_MONTH = Date.UTC(2026, 5, 3);
const LAST_MONTH = Date.UTC(2026, 4, 28);
const NANOS = 1_000_000_000;

function usageRow(providerKeyId: string, overrides: Record<string, unknown>) {
  return providerUsageRow({
    account_id: 'acc',
    day_start: THIS_MONTH,
    provider_key_id: providerKeyId,
    synced_at: NOW,
    ...overrides,
  });
}

describe.each(databases.eachSupportedId())(
  'key month usage filter on %p',
  databaseId => {
    let store: KeyStore;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      await knex(ACCOUNTS_TABLE).insert({
        id: 'acc',
        provider: 'openai',
        name: 'Acme',
        source: 'api',
        created_at: NOW,
        updated_at: NOW,
      });
      store = new DatabaseKeyStore(knex);
      const insert = (name: string, providerKeyId: string | null) =>
        store.insert({
          accountId: 'acc',
          provider: 'openai',
          providerKeyId,
          providerProjectId: null,
          name,
          maskedHint: null,
          status: 'active',
          ownerRef: null,
          componentRef: null,
          notes: null,
          expiresAt: null,
          source: 'provider',
          secretEncrypted: null,
        });
      for (const [name, id] of [
        ['idle', 'pk-idle'],
        ['light', 'pk-light'],
        ['heavy', 'pk-heavy'],
        ['mixed', 'pk-mixed'],
        ['manual', null],
      ] as const) {
        await insert(name, id);
      }
      await knex(PROVIDER_USAGE_TABLE).insert([
        // Last month does not count.
        usageRow('pk-idle', {
          day_start: LAST_MONTH,
          input_tokens: 1_000_000,
          cost_nanos: 900 * NANOS,
        }),
        // Two models on two days: 1 500 tokens, 1.25 USD.
        usageRow('pk-light', {
          input_tokens: 1000,
          output_tokens: 200,
          cost_nanos: NANOS,
        }),
        usageRow('pk-light', {
          day_start: THIS_MONTH + 86_400_000,
          model: 'gpt-4o-mini',
          input_tokens: 250,
          output_tokens: 50,
          cost_nanos: NANOS / 4,
        }),
        // 5 000 000 tokens, 40.000000001 USD: exact to the nano.
        usageRow('pk-heavy', {
          input_tokens: 4_000_000,
          output_tokens: 1_000_000,
          cost_nanos: 40 * NANOS + 1,
        }),
        // Two currencies, never summed: 3 CNY and 2 USD compare as 3.
        usageRow('pk-mixed', {
          input_tokens: 10,
          currency: 'CNY',
          cost_nanos: 3 * NANOS,
        }),
        usageRow('pk-mixed', { input_tokens: 10, cost_nanos: 2 * NANOS }),
      ]);
    });

    async function names(
      query: Record<string, string>,
      paging = { limit: 50, offset: 0 },
    ) {
      const { sort, order, limit, offset, ...filter } = parseQuery(
        keyListQuerySchema,
        {
          ...query,
          limit: String(paging.limit),
          offset: String(paging.offset),
        },
      );
      const result = await store.list(
        filter as KeyFilter,
        { kind: 'all' },
        { sort, order, limit, offset },
        NOW,
      );
      return {
        names: result.records.map(record => record.name),
        total: result.total,
      };
    }

    it('bounds month tokens (inclusive); keys without usage have none', async () => {
      expect(await names({ minMonthTokens: '1500' })).toEqual({
        names: ['heavy', 'light'],
        total: 2,
      });
      expect(await names({ maxMonthTokens: '1500' })).toEqual({
        names: ['idle', 'light', 'manual', 'mixed'],
        total: 4,
      });
      expect(
        await names({ minMonthTokens: '1', maxMonthTokens: '1499' }),
      ).toEqual({ names: ['mixed'], total: 1 });
    });

    it('bounds month cost in nanos, per currency', async () => {
      expect(await names({ minMonthCost: '1.25' })).toEqual({
        names: ['heavy', 'light', 'mixed'],
        total: 3,
      });
      expect(await names({ minMonthCost: '40.000000002' })).toEqual({
        names: [],
        total: 0,
      });
      expect(await names({ minMonthCost: '40.000000001' })).toEqual({
        names: ['heavy'],
        total: 1,
      });
      expect(await names({ minMonthCost: '2.5', maxMonthCost: '3' })).toEqual({
        names: ['mixed'],
        total: 1,
      });
      expect(await names({ maxMonthCost: '0' })).toEqual({
        names: ['idle', 'manual'],
        total: 2,
      });
    });

    it('filters before paging, so the total and the pages agree', async () => {
      const first = await names(
        { minMonthTokens: '1', sort: 'monthTokens', order: 'desc' },
        { limit: 2, offset: 0 },
      );
      const second = await names(
        { minMonthTokens: '1', sort: 'monthTokens', order: 'desc' },
        { limit: 2, offset: 2 },
      );
      expect(first).toEqual({ names: ['heavy', 'light'], total: 3 });
      expect(second).toEqual({ names: ['mixed'], total: 3 });
    });
  },
);

describe('month usage query parameters', () => {
  it.each([
    ['minMonthTokens', '-1'],
    ['maxMonthTokens', '1.5'],
    ['minMonthCost', 'ten'],
    ['maxMonthCost', '1.0000000001'],
    ['minMonthCost', '-2'],
  ])('rejects %s=%s naming the parameter', (name, value) => {
    expect(() => parseQuery(keyListQuerySchema, { [name]: value })).toThrow(
      new RegExp(`Invalid query parameter '${name}'`),
    );
  });

  it('parses cost into nanos', () => {
    expect(
      parseQuery(keyListQuerySchema, { minMonthCost: '0.5' }).minMonthCost,
    ).toBe(500_000_000n);
  });
});
