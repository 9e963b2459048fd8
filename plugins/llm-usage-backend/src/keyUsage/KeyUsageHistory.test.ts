import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { PROVIDER_USAGE_TABLE } from '../accounts/tables';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/databases';
import { providerUsageRow } from '../__testUtils__/providerUsage';
import { createKeyUsageRouter } from '../service/keyUsageRouter';
import { KeyUsageHistory } from './KeyUsageHistory';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const DAY = 24 * 3600 * 1000;
const JAN_1 = Date.UTC(2026, 0, 1);

function usageRow(overrides: Record<string, unknown>) {
  return providerUsageRow({
    account_id: 'acc',
    day_start: JAN_1,
    provider_key_id: 'pk-1',
    synced_at: JAN_1,
    ...overrides,
  });
}

describe.each(databases.eachSupportedId())(
  'key usage history on %p',
  databaseId => {
    async function seeded() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      await knex(PROVIDER_USAGE_TABLE).insert([
        // Two models on day one: added up, cost exact to the nano.
        usageRow({ input_tokens: 100, output_tokens: 10, cost_nanos: 1 }),
        usageRow({
          model: 'gpt-4o-mini',
          input_tokens: 5,
          output_tokens: 5,
          cost_nanos: 2_500_000_000,
        }),
        // Day three, another currency: kept apart.
        usageRow({
          day_start: JAN_1 + 2 * DAY,
          currency: 'CNY',
          input_tokens: 7,
          cost_nanos: 3_000_000_000,
        }),
        // Another key and another account: not this key's.
        usageRow({ provider_key_id: 'pk-2', input_tokens: 999 }),
        usageRow({ account_id: 'other', input_tokens: 999 }),
      ]);
      return knex;
    }

    it('adds up a key per UTC day, fills empty days and keeps currencies apart', async () => {
      const history = new KeyUsageHistory(await seeded());
      const days = await history.daily(
        { accountId: 'acc', providerKeyId: 'pk-1' },
        { from: JAN_1, to: JAN_1 + 4 * DAY },
      );
      expect(days).toEqual([
        {
          date: '2026-01-01',
          inputTokens: 105,
          outputTokens: 15,
          requests: 2,
          cost: [{ currency: 'USD', amount: '2.500000001' }],
        },
        {
          date: '2026-01-02',
          inputTokens: 0,
          outputTokens: 0,
          requests: 0,
          cost: [],
        },
        {
          date: '2026-01-03',
          inputTokens: 7,
          outputTokens: 0,
          requests: 1,
          cost: [{ currency: 'CNY', amount: '3' }],
        },
        {
          date: '2026-01-04',
          inputTokens: 0,
          outputTokens: 0,
          requests: 0,
          cost: [],
        },
      ]);
    });

    it('serves GET /keys/:id/usage for keys the caller may read', async () => {
      const history = new KeyUsageHistory(await seeded());
      const keys = {
        get: jest.fn(async (_credentials, id: string) => {
          if (id !== 'k1') throw new NotFoundError(`No key '${id}'`);
          return { id: 'k1', accountId: 'acc', providerKeyId: 'pk-1' } as any;
        }),
      };
      const app = express();
      app.use(
        await createKeyUsageRouter({
          httpAuth: mockServices.httpAuth(),
          keys,
          history,
        }),
      );
      app.use(
        MiddlewareFactory.create({
          config: mockServices.rootConfig(),
          logger: mockServices.logger.mock(),
        }).error(),
      );
      const auth = mockCredentials.user.header('user:default/alice');
      const ok = await request(app)
        .get('/keys/k1/usage?from=2026-01-01&to=2026-01-03')
        .set('Authorization', auth);
      expect(ok.status).toBe(200);
      expect(ok.body.keyId).toBe('k1');
      expect(ok.body.days.map((d: { date: string }) => d.date)).toEqual([
        '2026-01-01',
        '2026-01-02',
      ]);

      const unknown = await request(app)
        .get('/keys/nope/usage?from=2026-01-01&to=2026-01-03')
        .set('Authorization', auth);
      expect(unknown.status).toBe(404);

      const backwards = await request(app)
        .get('/keys/k1/usage?from=2026-01-03&to=2026-01-01')
        .set('Authorization', auth);
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.message).toContain("'to'");

      const missing = await request(app)
        .get('/keys/k1/usage?from=2026-01-01')
        .set('Authorization', auth);
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain("'to'");
    });
  },
);
