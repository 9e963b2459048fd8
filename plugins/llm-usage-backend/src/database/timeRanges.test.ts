import type { Knex } from 'knex';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import { CALLS_TABLE, DAY_MS, HOUR_MS } from './tables';
import { callsInRange, callsInRangeExactly } from './timeRanges';

jest.setTimeout(120_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'calls in a time range on %p',
  id => {
    const start = Date.UTC(2026, 10, 3, 7);
    // 2 calls a minute over six hours, a call on each hour's first and last millisecond.
    const times = [
      ...Array.from({ length: 6 * 120 }, (_, i) => start + i * 30_000 + 17),
      ...Array.from({ length: 6 }, (_, i) => start + i * HOUR_MS),
      ...Array.from({ length: 6 }, (_, i) => start + (i + 1) * HOUR_MS - 1),
    ];

    async function seeded(): Promise<Knex> {
      const knex = await databases.init(id);
      const { calls } = await migratedStores(knex);
      await calls.ingest(
        times.map((occurredAt, i) => makeCall({ id: `c${i}`, occurredAt })),
      );
      return knex;
    }

    it('finds exactly the calls of any range, whole hours or not', async () => {
      const knex = await seeded();
      const ranges: Array<[number, number]> = [
        [start, start + HOUR_MS],
        [start + 1, start + HOUR_MS - 1],
        [start - 5 * HOUR_MS, start + 17],
        [start + 2 * HOUR_MS - 1, start + 2 * HOUR_MS + 1],
        [start + 90 * 60_000 + 3, start + 5 * HOUR_MS + 11],
        [-Infinity, start + 3 * HOUR_MS],
        [start + 4 * HOUR_MS - 1, Infinity],
        [start + HOUR_MS, start + HOUR_MS],
      ];
      for (const inRange of [callsInRange, callsInRangeExactly]) {
        for (const [from, to] of ranges) {
          const found = await knex(CALLS_TABLE)
            .where(inRange(from, to))
            .pluck('occurred_at');
          expect(found.map(Number).sort((a, b) => a - b)).toEqual(
            times.filter(t => t >= from && t < to).sort((a, b) => a - b),
          );
        }
      }
    });

    it('finds them through the hour index, not by reading every call', async () => {
      const knex = await seeded();
      const query = knex(CALLS_TABLE)
        .where(callsInRange(start + 10, start + HOUR_MS + 10))
        .select('id');
      const plan = await planOf(knex, query);
      expect(plan).not.toMatch(/Seq Scan|SCAN llm_usage_calls$/m);
      expect(plan).toMatch(
        id.startsWith('POSTGRES')
          ? /Index Cond: .*\(occurred_at \/ /
          : /USING INDEX llm_usage_calls_hour_idx/,
      );
    });

    it('lets PostgreSQL estimate the calls of a day from the hour alone', async () => {
      const knex = await databases.init(id);
      const { calls } = await migratedStores(knex);
      // One call an hour through November.
      const november = Date.UTC(2026, 10, 1);
      await calls.ingest(
        Array.from({ length: 30 * 24 }, (_, i) =>
          makeCall({
            id: `n${i}`,
            occurredAt: november + i * HOUR_MS + 60_000,
          }),
        ),
      );
      await knex.raw(`ANALYZE ${CALLS_TABLE}`);
      const day = november + 9 * DAY_MS;
      const query = knex(CALLS_TABLE)
        .where(callsInRange(day, day + DAY_MS))
        .select('id');
      const found = (await query.clone()).length;
      expect(found).toBe(24);
      // Two conditions on the time, each estimated to keep a 30th of the
      // calls, would be multiplied into an estimate of one call. SQLite's
      // planner gives no estimate.
      expect((await estimatedRows(knex, query)) ?? found).toBeGreaterThan(12);
    });
  },
);

/** PostgreSQL's estimate of the rows the query returns. */
async function estimatedRows(
  knex: Knex,
  query: Knex.QueryBuilder,
): Promise<number | undefined> {
  if (knex.client.dialect !== 'postgresql') return undefined;
  const explained = await knex.raw(`EXPLAIN (FORMAT JSON) ${query.toQuery()}`);
  return explained.rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
}

/**
 * The query's plan as text. On PostgreSQL sequential scans are priced out,
 * so that the plan shows whether any index serves the condition at all.
 */
async function planOf(knex: Knex, query: Knex.QueryBuilder): Promise<string> {
  if (knex.client.dialect !== 'postgresql') {
    const rows = await knex.raw(`EXPLAIN QUERY PLAN ${query.toQuery()}`);
    return rows.map((row: { detail: string }) => row.detail).join('\n');
  }
  return knex.transaction(async tx => {
    await tx.raw('SET LOCAL enable_seqscan = off');
    const explained = await tx.raw(`EXPLAIN ${query.toQuery()}`);
    return explained.rows
      .map((row: Record<string, string>) => row['QUERY PLAN'])
      .join('\n');
  });
}
