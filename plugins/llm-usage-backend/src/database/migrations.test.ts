import { MIGRATIONS_DIRECTORY } from './migrations';
import { createTestDatabases } from '../__testUtils__/databases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('migrates up and all the way down again', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    for (const table of [
      'llm_usage_calls',
      'llm_usage_rollup_hourly',
      'llm_usage_rollup_daily',
      'llm_usage_rollup_dirty_hours',
      'llm_usage_rollup_state',
    ]) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }

    await knex.migrate.rollback({ directory: MIGRATIONS_DIRECTORY }, true);
    expect(await knex.schema.hasTable('llm_usage_calls')).toBe(false);
    expect(await knex.schema.hasTable('llm_usage_rollup_hourly')).toBe(false);

    // And up again: down left nothing behind that blocks a re-run.
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    expect(await knex.schema.hasTable('llm_usage_calls')).toBe(true);
  });
});

describe('test database setup', () => {
  it('runs PostgreSQL in CI, so every database test covers both', () => {
    const postgres = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    // CI without PostgreSQL would silently test SQLite only.
    expect({ ci: Boolean(process.env.CI) && !postgres }).toEqual({ ci: false });
    expect(databases.eachSupportedId().map(([id]) => id)).toEqual(
      postgres ? ['POSTGRES_15', 'SQLITE_3'] : ['SQLITE_3'],
    );
  });
});
