import request from 'supertest';
import { createTestDatabases } from './__testUtils__/databases';
import { startUsageBackend } from './__testUtils__/usageBackend';

/*
 * Each store and service the composition root builds is counted as it is
 * constructed: a second instance would mean a second rolled-sums cache, a
 * second permission cache or a second audit writer.
 */
const built = new Map<string, number>();

function counted(path: string, name: string) {
  const actual = jest.requireActual(path);
  const Original = actual[name];
  const Counted = class extends Original {
    constructor(...args: any[]) {
      super(...args);
      built.set(name, (built.get(name) ?? 0) + 1);
    }
  };
  // Statics (e.g. fromConfig) stay reachable through the subclass.
  return { ...actual, [name]: Counted };
}

jest.mock('./usage/UsageQueries', () =>
  counted('./usage/UsageQueries', 'UsageQueries'),
);
jest.mock('./audit/AuditLog', () => counted('./audit/AuditLog', 'AuditLog'));
jest.mock('./accounts/DatabaseAccountStore', () =>
  counted('./accounts/DatabaseAccountStore', 'DatabaseAccountStore'),
);
jest.mock('./keys/DatabaseKeyStore', () =>
  counted('./keys/DatabaseKeyStore', 'DatabaseKeyStore'),
);
jest.mock('./budgets/BudgetService', () =>
  counted('./budgets/BudgetService', 'BudgetService'),
);
jest.mock('./quota/QuotaService', () =>
  counted('./quota/QuotaService', 'QuotaService'),
);
jest.mock('./permissions/LlmUsageAuthorizer', () =>
  counted('./permissions/LlmUsageAuthorizer', 'LlmUsageAuthorizer'),
);

jest.setTimeout(60_000);

describe('the composition root', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'builds each store and service once and serves with them, %p',
    async databaseId => {
      built.clear();
      const server = await startUsageBackend(databases, databaseId);

      expect(Object.fromEntries(built)).toEqual({
        UsageQueries: 1,
        AuditLog: 1,
        DatabaseAccountStore: 1,
        DatabaseKeyStore: 1,
        BudgetService: 1,
        QuotaService: 1,
        LlmUsageAuthorizer: 1,
      });
      // The routers mounted from service/ serve with those instances.
      await request(server)
        .get('/api/llm-usage/usage/overview')
        .query({
          from: '2026-01-01T00:00:00Z',
          to: '2026-01-02T00:00:00Z',
        })
        .expect(200);
      await request(server).get('/api/llm-usage/budgets').expect(200);
      await request(server).get('/api/llm-usage/alerts').expect(200);
    },
  );
});
