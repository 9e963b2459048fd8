import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import { CALLS_TABLE, DAY_MS, HOUR_MS } from '../database/tables';
import { CallRepricer } from './CallRepricer';
import { DatabasePriceStore } from './DatabasePriceStore';
import { PriceBook } from './PriceBook';

jest.setTimeout(120_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('CallRepricer on %p', id => {
  it('prices every call of the range once, across pages, ties and empty hours', async () => {
    const knex = await databases.init(id);
    const { calls } = await migratedStores(knex);
    const from = Date.UTC(2026, 8, 1, 6, 30);
    const to = from + 40 * DAY_MS;
    const busyHour = Date.UTC(2026, 8, 1, 7);
    const inRange = [
      // More than two pages in one hour, ten calls on each millisecond.
      ...Array.from({ length: 1201 }, (_, i) => busyHour + Math.floor(i / 10)),
      from,
      from + 20 * DAY_MS + 5,
      to - 1,
    ];
    const outside = [from - 1, to];
    await calls.ingest(
      [...inRange, ...outside].map((occurredAt, i) =>
        makeCall({ id: `c${i}`, occurredAt, model: 'gpt-4o' }),
      ),
    );
    // As if they had come without a cost and no price was known then.
    await knex(CALLS_TABLE).update({ cost_nanos: 0, cost_source: null });

    const repricer = new CallRepricer(
      knex,
      new PriceBook({ store: new DatabasePriceStore(knex) }),
    );
    const result = await repricer.reprice({ from, to });

    const hours = new Set(inRange.map(t => Math.floor(t / HOUR_MS)));
    expect(result).toEqual({
      examined: inRange.length,
      repriced: inRange.length,
      unchanged: 0,
      withoutPrice: 0,
      hoursMarked: hours.size,
    });
    const sources = await knex(CALLS_TABLE)
      .select('occurred_at', 'cost_source')
      .then(rows =>
        rows.map(row => [Number(row.occurred_at), row.cost_source] as const),
      );
    expect(sources.filter(([, source]) => source === 'priced')).toHaveLength(
      inRange.length,
    );
    expect(
      sources
        .filter(([, source]) => source === null)
        .map(([time]) => time)
        .sort((a, b) => a - b),
    ).toEqual(outside);
  });
});
