import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@llm-usage/backstage-plugin-llm-usage-backend',
  'migrations',
);

/** Runs the shipped migrations unless the operator manages them elsewhere. */
export async function applyDatabaseMigrations(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

/** For tests: the migration directory shipped with the package. */
export const MIGRATIONS_DIRECTORY = migrationsDir;
