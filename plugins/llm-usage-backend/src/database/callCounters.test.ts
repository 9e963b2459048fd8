import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import { sampleKey } from '../__testUtils__/latencyKeys';
import { KEY_MULTIPLIER } from '../rollup/LatencySketch';
import { CALLS_TABLE } from './tables';
import { latencyKeySql } from './callCounters';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Every integer duration within two of a bin boundary. The database's key
 * and the library's grow with the duration, so agreeing on both sides of
 * every boundary means agreeing on every duration a call can have.
 */
function durationsAtBoundaries(): number[] {
  const durations = new Set<number>([0]);
  for (let key = 0; ; key++) {
    const boundary = Math.exp(key / KEY_MULTIPLIER);
    if (boundary > MAX_DURATION_MS) break;
    for (
      let ms = Math.max(1, Math.floor(boundary) - 2);
      ms <= Math.min(MAX_DURATION_MS, Math.ceil(boundary) + 2);
      ms++
    ) {
      durations.add(ms);
    }
  }
  return [...durations];
}

describe.each(databases.eachSupportedId())(
  'latencyKeySql on %p',
  databaseId => {
    it('gives every duration next to a bin boundary the key the sketch library gives it', async () => {
      const { knex, calls } = await migratedStores(
        await databases.init(databaseId),
      );
      const durations = durationsAtBoundaries();
      expect(durations.length).toBeGreaterThan(4000);
      for (let i = 0; i < durations.length; i += 500) {
        await calls.ingest(
          durations
            .slice(i, i + 500)
            .map(durationMs => makeCall({ id: `d${durationMs}`, durationMs })),
        );
      }

      const rows = await knex(CALLS_TABLE).select(
        'duration_ms',
        knex.raw('? AS latency_key', [latencyKeySql(knex)]),
      );
      const mismatches = rows
        .map(row => [Number(row.duration_ms), String(row.latency_key)])
        .filter(([durationMs, key]) => sampleKey(Number(durationMs)) !== key);
      expect(rows).toHaveLength(durations.length);
      expect(mismatches).toEqual([]);
    });

    it('leaves out calls without a latency sample', async () => {
      const { knex, calls } = await migratedStores(
        await databases.init(databaseId),
      );
      await calls.ingest([
        makeCall({ id: 'no-duration', durationMs: null }),
        makeCall({ id: 'processing', status: 'processing', durationMs: 900 }),
      ]);
      const rows = await knex(CALLS_TABLE).select(
        knex.raw('? AS latency_key', [latencyKeySql(knex)]),
      );
      expect(rows.map(row => row.latency_key)).toEqual([null, null]);
    });
  },
);
