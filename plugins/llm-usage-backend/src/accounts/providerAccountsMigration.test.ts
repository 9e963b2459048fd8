import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/databases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const THIS_VERSION = '20261125000000';

const TABLES = [
  'llm_usage_accounts',
  'llm_usage_keys',
  'llm_usage_tags',
  'llm_usage_key_tags',
  'llm_usage_provider_usage',
  'llm_usage_balances',
  'llm_usage_sync_runs',
  'llm_usage_audit_events',
];

describe.each(databases.eachSupportedId())(
  'provider accounts migration on %p',
  databaseId => {
    it('creates the provider tables, rolls back to before it and re-applies', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }

      // Two manual keys (no provider key id) may share an account.
      const key = (id: string, providerKeyId: string | null) => ({
        id,
        account_id: 'acc',
        provider: 'openai',
        provider_key_id: providerKeyId,
        name: id,
        status: 'active',
        source: providerKeyId ? 'provider' : 'manual',
        created_at: 1,
        updated_at: 1,
      });
      await knex('llm_usage_keys').insert([
        key('a', null),
        key('b', null),
        key('c', 'key_1'),
      ]);
      const [{ n }] = await knex('llm_usage_keys').count({ n: '*' });
      expect(Number(n)).toBe(3);

      // Later migrations go first, then this one.
      const config = { directory: MIGRATIONS_DIRECTORY };
      while ((await knex.migrate.currentVersion(config)) >= THIS_VERSION) {
        await knex.migrate.down(config);
      }
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('llm_usage_calls')).toBe(true);

      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      expect(await knex.schema.hasTable('llm_usage_audit_events')).toBe(true);
    });
  },
);
