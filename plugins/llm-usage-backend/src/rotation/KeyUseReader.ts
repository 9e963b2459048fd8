import type { Knex } from 'knex';
import { PROVIDER_USAGE_TABLE } from '../accounts/tables';
import { CALLS_TABLE, DAY_MS, HOUR_MS, hourStartOf } from '../database/tables';
import { callsInRange } from '../database/timeRanges';
import { detailRowsIn, readRawDetailDays } from '../rollup/rawDetailDays';

/** The key as calls and provider usage name it. */
export interface UsedKey {
  id: string;
  accountId: string;
  providerKeyId: string | null;
}

/**
 * When a key was last used in a time range: recorded calls from the hourly
 * rollups for closed hours and from raw calls for the last two hours (which
 * the rollup may not have reached yet), and the provider's daily usage for
 * the days after the one the range starts in.
 */
export class KeyUseReader {
  constructor(private readonly db: Knex) {}

  async lastUse(
    key: UsedKey,
    from: number,
    now: number,
  ): Promise<number | null> {
    const ids = [key.id, ...(key.providerKeyId ? [key.providerKeyId] : [])];
    const rawFrom = Math.max(from, now - 2 * HOUR_MS);
    const rawDetailDays = await readRawDetailDays(this.db);
    const [rolled, raw, provider] = await Promise.all([
      detailRowsIn(this.db, {
        table: 'hourly',
        span: [hourStartOf(from), Infinity],
        rawDetailDays,
      })
        .whereIn('api_key_id', ids)
        .where('call_count', '>', 0)
        .max({ at: 'hour_start' })
        .first(),
      this.db(CALLS_TABLE)
        .where(callsInRange(rawFrom, Infinity))
        .whereIn('api_key_id', ids)
        .max({ at: 'occurred_at' })
        .first(),
      key.providerKeyId
        ? this.db(PROVIDER_USAGE_TABLE)
            .where('account_id', key.accountId)
            .where('provider_key_id', key.providerKeyId)
            .where('day_start', '>', Math.floor(from / DAY_MS) * DAY_MS)
            .where(query =>
              query
                .where('requests', '>', 0)
                .orWhere('input_tokens', '>', 0)
                .orWhere('output_tokens', '>', 0),
            )
            .max({ at: 'day_start' })
            .first()
        : undefined,
    ]);
    const times = [rolled?.at, raw?.at, provider?.at]
      .filter(value => value !== null && value !== undefined)
      .map(Number);
    return times.length > 0 ? Math.max(...times) : null;
  }
}
