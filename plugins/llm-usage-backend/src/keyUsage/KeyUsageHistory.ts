import type { Knex } from 'knex';
import { DAY_MS } from '../database/tables';
import { formatNanos } from '../lib/money';
import {
  addProviderUsage,
  sumProviderUsage,
} from '../providerUsage/providerUsageTotals';

/** One UTC day of one key's usage as its provider reported it. */
export interface KeyUsageDay {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  inputTokens: number;
  outputTokens: number;
  requests: number;
  /** Exact decimal amounts, one per currency. */
  cost: Array<{ currency: string; amount: string }>;
}

/**
 * Day-by-day usage of a key from the provider's daily usage (all models and
 * projects of the key added up), with days without usage filled in as zero
 * so charts show gaps as gaps.
 */
export class KeyUsageHistory {
  constructor(private readonly db: Knex) {}

  async daily(
    key: { accountId: string; providerKeyId: string },
    range: { from: number; to: number },
  ): Promise<KeyUsageDay[]> {
    const firstDay = Math.floor(range.from / DAY_MS) * DAY_MS;
    const totals = await sumProviderUsage(this.db, ['dayStart'], {
      fromDay: firstDay,
      toDay: range.to,
      providerKey: key,
    });

    const days = new Map<
      number,
      KeyUsageDay & { nanos: Map<string, bigint> }
    >();
    for (let day = firstDay; day < range.to; day += DAY_MS) {
      days.set(day, {
        date: new Date(day).toISOString().slice(0, 10),
        inputTokens: 0,
        outputTokens: 0,
        requests: 0,
        cost: [],
        nanos: new Map(),
      });
    }
    for (const total of totals) {
      const day = days.get(total.dayStart);
      if (!day) continue;
      addProviderUsage(day, day.nanos, total);
    }
    return [...days.values()].map(({ nanos, ...day }) => ({
      ...day,
      cost: [...nanos.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, amount]) => ({
          currency,
          amount: formatNanos(amount),
        })),
    }));
  }
}
