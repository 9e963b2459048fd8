import type {
  RepriceRequest,
  RepriceResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { CALLS_TABLE, HOUR_MS, hourStartOf } from '../database/tables';
import { CALL_HOUR_SQL, callsInRange } from '../database/timeRanges';
import { toBigInt } from '../lib/money';
import { markHoursDirty } from '../rollup/dirtyHours';
import type { PriceBook } from './PriceBook';
import { pricedCostOf } from './PricingCallStore';

/** Calls read and written per transaction. */
const PAGE_SIZE = 500;

export type RepriceRange = Omit<RepriceRequest, 'from' | 'to'> & {
  from: number;
  to: number;
};

/**
 * Prices again, with the current price book, the calls of a range whose cost
 * is priced or missing (reported costs are never touched), and marks the
 * hours it changed dirty so the rollup sums them again. A call whose price
 * no longer applies loses its priced cost.
 */
export class CallRepricer {
  constructor(private readonly db: Knex, private readonly prices: PriceBook) {}

  async reprice(range: RepriceRange): Promise<RepriceResponse> {
    const resolver = await this.prices.resolver();
    const result: RepriceResponse = {
      examined: 0,
      repriced: 0,
      unchanged: 0,
      withoutPrice: 0,
      hoursMarked: 0,
    };
    const hours = new Set<number>();
    // Hour by hour, the hours without calls skipped: the calls' time index
    // is on their hour, so a page sorts the calls of one hour, not of the
    // rest of the range.
    let hour = await this.nextHourWithCalls(range.from, range.to);
    let after: { occurredAt: number; id: string } | undefined;
    while (hour < range.to) {
      const hourEnd = Math.min(range.to, hourStartOf(hour) + HOUR_MS);
      const query = this.db(CALLS_TABLE)
        .select(
          'id',
          'occurred_at',
          'provider',
          'model',
          'input_tokens',
          'output_tokens',
          'cached_tokens',
          'cost_nanos',
          'currency',
          'cost_source',
          'updated_at',
        )
        .where(callsInRange(hour, hourEnd))
        .andWhere(q =>
          q.where('cost_source', 'priced').orWhereNull('cost_source'),
        );
      if (range.provider) query.andWhere('provider', range.provider);
      if (range.model) query.andWhere('model', range.model);
      if (after) {
        query.andWhereRaw('(occurred_at, id) > (?, ?)', [
          after.occurredAt,
          after.id,
        ]);
      }
      const rows = await query
        .orderBy([
          { column: 'occurred_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(PAGE_SIZE);
      if (rows.length < PAGE_SIZE) {
        hour = await this.nextHourWithCalls(hourEnd, range.to);
        after = undefined;
      } else {
        const last = rows[rows.length - 1];
        after = { occurredAt: Number(last.occurred_at), id: last.id };
      }

      await this.db.transaction(async tx => {
        const pageHours = new Set<number>();
        for (const row of rows) {
          result.examined++;
          const occurredAt = Number(row.occurred_at);
          const priced = pricedCostOf(resolver, {
            provider: row.provider,
            model: row.model,
            occurredAt,
            inputTokens: Number(row.input_tokens),
            outputTokens: Number(row.output_tokens),
            cachedTokens: Number(row.cached_tokens),
          });
          if (!priced) result.withoutPrice++;
          const target = priced
            ? {
                cost: priced.costNanos,
                currency: priced.currency,
                source: 'priced',
              }
            : { cost: 0n, currency: row.currency, source: null };
          if (
            toBigInt(row.cost_nanos) === target.cost &&
            row.currency === target.currency &&
            row.cost_source === target.source
          ) {
            if (priced) result.unchanged++;
            continue;
          }
          // Unless ingestion replaced the call meanwhile (a processing call
          // completed), which priced it with the same book. Its time finds
          // its month partition on PostgreSQL.
          const updated = await tx(CALLS_TABLE)
            .where({
              id: row.id,
              occurred_at: row.occurred_at,
              updated_at: row.updated_at,
            })
            .update({
              cost_nanos: target.cost.toString(),
              currency: target.currency,
              cost_source: target.source,
              updated_at: Date.now(),
            });
          if (updated > 0) {
            if (priced) result.repriced++;
            pageHours.add(hourStartOf(occurredAt));
          } else if (priced) {
            result.unchanged++;
          }
        }
        if (pageHours.size > 0) await markHoursDirty(tx, pageHours);
        for (const pageHour of pageHours) hours.add(pageHour);
      });
    }
    result.hoursMarked = hours.size;
    return result;
  }

  /** The start of the first hour in [from, to) with a call, not before `from`; Infinity if none. */
  private async nextHourWithCalls(from: number, to: number): Promise<number> {
    const found = await this.db(CALLS_TABLE)
      .where(callsInRange(from, to))
      .first(this.db.raw(`MIN(${CALL_HOUR_SQL}) AS hour`));
    return found?.hour === null || found?.hour === undefined
      ? Infinity
      : Math.max(from, Number(found.hour) * HOUR_MS);
  }
}
