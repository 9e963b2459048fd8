import { createTestDatabases, makeCall } from '../__testUtils__/databases';
import { DatabaseCallStore } from '../database/DatabaseCallStore';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { seedDemoAccounts, seedDemoProviderUsage } from './demoAccounts';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const NOW = Date.UTC(2026, 10, 20, 12);
const DAY = 86_400_000;

describe.each(databases.eachSupportedId())(
  'demo accounts on %p',
  databaseId => {
    it('creates all four providers with keys in every state, balances and sync history, once', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });

      expect(await seedDemoAccounts(knex, NOW)).toBe(true);
      expect(await seedDemoAccounts(knex, NOW)).toBe(false);

      const accounts = await knex('llm_usage_accounts').orderBy('id');
      expect(accounts.map(a => a.provider).sort()).toEqual([
        'anthropic',
        'openai',
        'openrouter',
        'volcengine',
      ]);
      expect(accounts.every(a => JSON.parse(a.settings).demo === 'true')).toBe(
        true,
      );
      const keys = await knex('llm_usage_keys');
      const expiringSoon = keys.filter(
        k => k.expires_at !== null && Number(k.expires_at) - NOW < 7 * DAY,
      );
      expect(expiringSoon.length).toBeGreaterThanOrEqual(2);
      // The guest's team has expiring keys of a Component (browser test).
      expect(
        expiringSoon.filter(
          k =>
            k.owner_ref === 'group:default/growth-team' &&
            k.component_ref === 'component:default/sales-email-writer',
        ),
      ).toHaveLength(2);
      expect(keys.filter(k => k.status === 'disabled')).toHaveLength(1);
      expect(keys.filter(k => k.status === 'error')).toHaveLength(1);
      expect(keys.some(k => k.owner_ref === null)).toBe(true);
      const currencies = await knex('llm_usage_balances').distinct('currency');
      expect(currencies.map(c => c.currency).sort()).toEqual(['CNY', 'USD']);
      const statuses: Array<{ status: string }> = await knex(
        'llm_usage_sync_runs',
      ).distinct('status');
      expect(statuses.map(r => r.status).sort()).toEqual([
        'failed',
        'succeeded',
      ]);
      // Every account's failed runs name its own provider.
      const failures: Array<{ provider: string; error: string }> = await knex(
        'llm_usage_sync_runs as r',
      )
        .join('llm_usage_accounts as a', 'a.id', 'r.account_id')
        .where('r.status', 'failed')
        .select('a.provider', 'r.error');
      expect(new Set(failures.map(f => f.provider)).size).toBe(4);
      const names: Record<string, RegExp> = {
        openai: /^OpenAI /,
        anthropic: /^Anthropic /,
        openrouter: /^OpenRouter /,
        volcengine: /^Volcengine /,
      };
      for (const { provider, error } of failures) {
        expect(error).toMatch(names[provider]);
      }
    });

    it('derives provider usage from the demo calls of the demo keys', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      await seedDemoAccounts(knex, NOW);
      const day = Date.UTC(2026, 10, 19);
      await new DatabaseCallStore(knex).ingest([
        makeCall({
          id: 'd1',
          occurredAt: day + 1000,
          apiKeyId: 'demo-key-openai-support-bot',
          costNanos: 1_000_000_000n,
        }),
        makeCall({
          id: 'd2',
          occurredAt: day + 2000,
          apiKeyId: 'demo-key-openai-support-bot',
          costNanos: 1_000_000_000n,
        }),
        makeCall({ id: 'x', occurredAt: day, apiKeyId: 'not-demo' }),
      ]);

      expect(await seedDemoProviderUsage(knex, NOW)).toBe(1);
      const [row] = await knex('llm_usage_provider_usage');
      expect(row).toMatchObject({
        account_id: 'demo-openai',
        provider_key_id: 'demo-key-openai-support-bot',
        currency: 'USD',
      });
      expect(Number(row.day_start)).toBe(day);
      expect(Number(row.requests)).toBe(2);
      // Within the demo drift of -2 % … +4 % of the recorded 2.
      const cost = Number(row.cost_nanos);
      expect(cost).toBeGreaterThanOrEqual(1_960_000_000);
      expect(cost).toBeLessThanOrEqual(2_080_000_000);
      // The balance falls from yesterday's reading to today's by exactly
      // what the provider charged, so history and runway tell one story.
      const readings: Array<{ available_nanos: string | number }> = await knex(
        'llm_usage_balances',
      )
        .where({ account_id: 'demo-openai' })
        .orderBy('read_at', 'desc')
        .limit(2);
      expect(
        BigInt(readings[1].available_nanos) -
          BigInt(readings[0].available_nanos),
      ).toBe(BigInt(row.cost_nanos));
      // Re-running replaces, never doubles.
      expect(await seedDemoProviderUsage(knex, NOW)).toBe(1);
      expect(await knex('llm_usage_provider_usage')).toHaveLength(1);
    });
  },
);
