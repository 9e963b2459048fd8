import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { DatabaseCallStore } from '../database/DatabaseCallStore';
import { DatabaseRollupStore } from '../rollup/DatabaseRollupStore';
import { UsageQueries } from '../usage/UsageQueries';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import type { NormalizedCall } from '../database/types';

/**
 * SQLite always; PostgreSQL 15 when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 * is set, as `scripts/llm test` and CI do.
 */
export function createTestDatabases() {
  return TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
}

/** Every llm_usage_* table that exists in the database. */
export async function llmUsageTableNames(knex: Knex): Promise<string[]> {
  const client = String(knex.client.config.client);
  const names: string[] = client.includes('pg')
    ? (
        await knex('information_schema.tables')
          .select('table_name')
          .where('table_schema', knex.raw('current_schema()'))
          .andWhere('table_name', 'like', 'llm\\_usage\\_%')
      ).map(row => row.table_name)
    : (await knex('sqlite_master').select('name').where('type', 'table'))
        .map(row => row.name)
        .filter(name => name.startsWith('llm_usage_'));
  return [...new Set(names)].sort();
}

/**
 * One database per id for a whole test file, emptied before each use.
 * TestDatabases drops every database it made in one 60 s hook, which a
 * loaded CI cannot do for dozens of PostgreSQL databases.
 */
export function reusedDatabase(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
): () => Promise<Knex> {
  let knex: Promise<Knex> | undefined;
  return async () => {
    knex ??= databases.init(databaseId);
    const client = await knex;
    const tables = await llmUsageTableNames(client);
    if (String(client.client.config.client).includes('pg')) {
      if (tables.length) {
        await client.raw(
          `TRUNCATE TABLE ${tables.map(() => '??').join(', ')} CASCADE`,
          tables,
        );
      }
    } else {
      await client.raw('PRAGMA foreign_keys = OFF');
      for (const table of tables) {
        await client(table).delete();
      }
      await client.raw('PRAGMA foreign_keys = ON');
    }
    return client;
  };
}

export async function migratedStores(knex: Knex) {
  await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
  const rollups = new DatabaseRollupStore(knex);
  return {
    knex,
    calls: new DatabaseCallStore(knex),
    rollups,
    queries: new UsageQueries(knex, rollups),
  };
}

const HOUR = 3_600_000;

/** A call with sensible defaults; override what the test is about. */
export function makeCall(
  overrides: Partial<NormalizedCall> = {},
): NormalizedCall {
  return {
    id: `call-${Math.random().toString(36).slice(2)}`,
    occurredAt: Date.UTC(2026, 9, 1, 10) + Math.floor(Math.random() * HOUR),
    userRef: 'user:default/alice',
    projectId: 'support-bot',
    apiKeyId: '',
    provider: 'openai',
    model: 'gpt-4o',
    type: 'chat',
    status: 'success',
    errorReason: null,
    durationMs: 1000,
    ttftMs: 200,
    inputTokens: 100,
    outputTokens: 50,
    cachedTokens: 0,
    costNanos: 1_500_000n,
    currency: 'USD',
    metadata: null,
    ...overrides,
  };
}

/** A seeded generator of random but valid calls over a time window. */
export function randomCalls(options: {
  count: number;
  from: number;
  hours: number;
  seed: number;
  users?: string[];
  projects?: string[];
}): NormalizedCall[] {
  let state = options.seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const users = options.users ?? [
    'user:default/alice',
    'user:default/bob',
    'user:default/carol',
  ];
  const projects = options.projects ?? [
    'support-bot',
    'code-review',
    'search-rag',
  ];
  const models: Array<[string, string, string]> = [
    ['openai', 'gpt-4o', 'USD'],
    ['anthropic', 'claude-sonnet-4', 'USD'],
    ['volcengine', 'doubao-pro-32k', 'CNY'],
  ];
  return Array.from({ length: options.count }, (_, i) => {
    const [provider, model, currency] = pick(models);
    const roll = random();
    let status: NormalizedCall['status'] = 'success';
    if (roll < 0.05) status = 'failed';
    else if (roll < 0.07) status = 'processing';
    return makeCall({
      id: `r-${options.seed}-${i}`,
      occurredAt: options.from + Math.floor(random() * options.hours * HOUR),
      userRef: pick(users),
      projectId: pick(projects),
      provider,
      model,
      currency,
      status,
      durationMs:
        random() < 0.1 ? null : Math.round(50 + Math.exp(random() * 9)),
      ttftMs: random() < 0.5 ? null : Math.round(random() * 500),
      inputTokens: Math.floor(random() * 5000),
      outputTokens: Math.floor(random() * 2000),
      cachedTokens: Math.floor(random() * 100),
      costNanos: BigInt(Math.floor(random() * 1e9)) * 7n,
    });
  });
}
