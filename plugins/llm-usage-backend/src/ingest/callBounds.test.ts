import { InputError } from '@backstage/errors';
import type { CallInput } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  createTestDatabases,
  migratedStores,
} from '../__testUtils__/databases';
import { CallRollup } from '../rollup/CallRollup';
import { CALL_BOUNDS } from './bounds';
import { parseCallBatch } from './callSchema';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 9, 1, 10);

function input(overrides: Partial<CallInput> = {}): CallInput {
  return {
    id: 'c1',
    timestamp: new Date(T0).toISOString(),
    userRef: 'user:default/alice',
    projectId: 'alpha',
    provider: 'openai',
    model: 'gpt-4o',
    ...overrides,
  };
}

const MAXIMAL: Partial<CallInput> = {
  inputTokens: CALL_BOUNDS.tokens,
  outputTokens: CALL_BOUNDS.tokens,
  cachedTokens: CALL_BOUNDS.tokens,
  durationMs: CALL_BOUNDS.durationMs,
  ttftMs: CALL_BOUNDS.durationMs,
  cost: String(CALL_BOUNDS.cost),
};

describe('numeric bounds of a call', () => {
  it.each([
    ['inputTokens', CALL_BOUNDS.tokens + 1],
    ['outputTokens', CALL_BOUNDS.tokens + 1],
    ['cachedTokens', CALL_BOUNDS.tokens + 1],
    ['durationMs', CALL_BOUNDS.durationMs + 1],
    ['ttftMs', CALL_BOUNDS.durationMs + 1],
    ['cost', `${CALL_BOUNDS.cost}.000000001`],
    ['cost', 9_000_000_000],
  ])('rejects %s = %p with a 400 naming the field', (field, value) => {
    const batch = [input(), input({ id: 'c2', [field]: value })];
    expect(() => parseCallBatch(batch, 10)).toThrow(InputError);
    expect(() => parseCallBatch(batch, 10)).toThrow(
      new RegExp(`^Invalid call at \\[1\\]\\.${field}: `),
    );
  });

  it('accepts every field at its maximum', () => {
    const [call] = parseCallBatch([input(MAXIMAL)], 10);
    expect(call).toMatchObject({
      inputTokens: 1_000_000_000,
      outputTokens: 1_000_000_000,
      cachedTokens: 1_000_000_000,
      durationMs: 86_400_000,
      ttftMs: 86_400_000,
      costNanos: 1_000_000_000_000n,
    });
  });
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'rollup of maximal calls on %p',
  databaseId => {
    it('rolls an hour full of maximal calls into sums equal to the raw ones', async () => {
      const { calls, rollups, knex } = await migratedStores(
        await databases.init(databaseId),
      );
      // Three hours of one day, each with 2,000 maximal calls of one model:
      // hourly and daily rows (and the model level) sum them all.
      const perHour = 2_000;
      for (let hour = 0; hour < 3; hour++) {
        for (let start = 0; start < perHour; start += 1_000) {
          const batch = Array.from({ length: 1_000 }, (_, i) =>
            input({
              ...MAXIMAL,
              id: `max-${hour}-${start + i}`,
              timestamp: new Date(T0 + hour * HOUR + i).toISOString(),
            }),
          );
          await calls.ingest(parseCallBatch(batch, 1_000));
        }
      }
      await new CallRollup(rollups).run(T0 + 4 * HOUR);

      const raw = await knex('llm_usage_calls').select(
        knex.raw('COUNT(*) AS calls'),
        knex.raw('CAST(SUM(input_tokens) AS TEXT) AS tokens'),
        knex.raw('CAST(SUM(cost_nanos) AS TEXT) AS cost'),
        knex.raw('CAST(SUM(duration_ms) AS TEXT) AS duration'),
      );
      expect(raw[0]).toEqual({
        calls: expect.anything(),
        tokens: String(3 * perHour * CALL_BOUNDS.tokens),
        cost: String(BigInt(3 * perHour) * 1_000_000_000_000n),
        duration: String(3 * perHour * CALL_BOUNDS.durationMs),
      });
      for (const [table, level] of [
        ['llm_usage_rollup_hourly', 'detail'],
        ['llm_usage_rollup_hourly', 'model'],
        ['llm_usage_rollup_daily', 'detail'],
        ['llm_usage_rollup_daily', 'project'],
        ['llm_usage_rollup_daily', 'model'],
      ]) {
        const [sums] = await knex(table)
          .where('level', level)
          .select(
            knex.raw('CAST(SUM(call_count) AS TEXT) AS calls'),
            knex.raw('CAST(SUM(input_tokens) AS TEXT) AS tokens'),
            knex.raw('CAST(SUM(cost_nanos) AS TEXT) AS cost'),
            knex.raw('CAST(SUM(latency_sum_ms) AS TEXT) AS duration'),
          );
        expect({ table, level, ...sums }).toEqual({
          table,
          level,
          calls: String(3 * perHour),
          tokens: raw[0].tokens,
          cost: raw[0].cost,
          duration: raw[0].duration,
        });
      }
    });

    it('holds cost sums past 64 bits exactly on PostgreSQL, and reports the hour on SQLite', async () => {
      const { calls, rollups, knex } = await migratedStores(
        await databases.init(databaseId),
      );
      // As many maximal costs as 9.3 million calls would sum to, in one hour:
      // ten calls stored as they were, then raised past what the bounds let
      // one call carry (the sum is what is tested, not the bound).
      const batch = Array.from({ length: 10 }, (_, i) =>
        input({ id: `rich-${i}`, timestamp: new Date(T0 + i).toISOString() }),
      );
      await calls.ingest(parseCallBatch(batch, 10));
      const each = 930_000_000_000_000_000n; // 10 × each > 2^63 − 1
      await knex('llm_usage_calls').update({ cost_nanos: String(each) });
      const result = await new CallRollup(rollups).run(T0 + 2 * HOUR);

      const costOf = async (table: string) => {
        const [row] = await knex(table)
          .where('level', 'model')
          .select(knex.raw('CAST(cost_nanos AS TEXT) AS cost'));
        return row?.cost;
      };
      const failures = await rollups.failedHours();
      const sum = String(10n * each);
      const hour = Math.floor(T0 / HOUR) * HOUR;
      expect({
        failedHours: result.failedHours,
        errors: failures.map(failure => failure.error),
        hourly: await costOf('llm_usage_rollup_hourly'),
        daily: await costOf('llm_usage_rollup_daily'),
      }).toEqual(
        knex.client.dialect === 'postgresql'
          ? { failedHours: [], errors: [], hourly: sum, daily: sum }
          : // SQLite sums in 64 bits: the hour is kept for a retry and reported.
            {
              failedHours: [hour],
              errors: ['integer overflow'],
              hourly: undefined,
              daily: undefined,
            },
      );
    });
  },
);
