import type {
  ReconciliationResponse,
  ReconciliationRow,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { KEYS_TABLE, PROVIDER_USAGE_TABLE } from '../accounts/tables';
import { DAILY_TABLE } from '../database/tables';
import { formatNanos, toBigInt } from '../lib/money';

export interface ReconciliationQueryParams {
  /** Restricts to these accounts; undefined means every account. */
  accountIds?: string[];
  /** First UTC day start, inclusive. */
  fromDay: number;
  /** Last UTC day start, inclusive. */
  toDay: number;
}

function percent(difference: bigint, base: bigint): number | null {
  if (base === 0n) return null;
  // Two decimals, computed in integers before the one division to a float.
  return Number((difference * 10_000n) / base) / 100;
}

/**
 * What providers billed against what the ingested calls of the same keys
 * cost, per account, UTC day and currency. Calls are matched to an account
 * by their `apiKeyId`: either the inventory id of one of its keys or the
 * provider's id of that key. Recorded costs come from the daily rollup.
 */
export class Reconciliation {
  constructor(private readonly db: Knex) {}

  async report(
    params: ReconciliationQueryParams,
  ): Promise<ReconciliationResponse> {
    const { accountIds, fromDay, toDay } = params;
    if (accountIds && accountIds.length === 0) {
      return { items: [], totals: [] };
    }
    const providerRows: Array<{
      account_id: string;
      day_start: string | number;
      currency: string;
      cost: string | number | null;
    }> = await this.db(PROVIDER_USAGE_TABLE)
      .select('account_id', 'day_start', 'currency')
      .sum({ cost: 'cost_nanos' })
      .whereBetween('day_start', [fromDay, toDay])
      .modify(query => {
        if (accountIds) query.whereIn('account_id', accountIds);
      })
      .groupBy('account_id', 'day_start', 'currency');

    const keys: Array<{
      id: string;
      account_id: string;
      provider_key_id: string | null;
    }> = await this.db(KEYS_TABLE)
      .select('id', 'account_id', 'provider_key_id')
      .modify(query => {
        if (accountIds) query.whereIn('account_id', accountIds);
      });
    const accountOfKey = new Map<string, string>();
    for (const key of keys) {
      accountOfKey.set(key.id, key.account_id);
      if (key.provider_key_id) {
        accountOfKey.set(key.provider_key_id, key.account_id);
      }
    }
    type RecordedRow = {
      api_key_id: string;
      day_start: string | number;
      currency: string;
      cost: string | number | null;
    };
    const recordedRows: RecordedRow[] = [];
    const keyIds = [...accountOfKey.keys()];
    for (let i = 0; i < keyIds.length; i += 500) {
      const part: RecordedRow[] = await this.db(DAILY_TABLE)
        .select('api_key_id', 'day_start', 'currency')
        .sum({ cost: 'cost_nanos' })
        .where('level', 'detail')
        .whereBetween('day_start', [fromDay, toDay])
        .whereIn('api_key_id', keyIds.slice(i, i + 500))
        .groupBy('api_key_id', 'day_start', 'currency');
      for (const row of part) recordedRows.push(row);
    }

    const cells = new Map<
      string,
      {
        accountId: string;
        day: number;
        currency: string;
        provider: bigint;
        recorded: bigint;
      }
    >();
    const cell = (accountId: string, day: number, currency: string) => {
      const key = `${accountId}\u0000${day}\u0000${currency}`;
      let entry = cells.get(key);
      if (!entry) {
        entry = { accountId, day, currency, provider: 0n, recorded: 0n };
        cells.set(key, entry);
      }
      return entry;
    };
    for (const row of providerRows) {
      cell(row.account_id, Number(row.day_start), row.currency).provider +=
        toBigInt(row.cost);
    }
    for (const row of recordedRows) {
      const accountId = accountOfKey.get(row.api_key_id);
      if (accountId) {
        cell(accountId, Number(row.day_start), row.currency).recorded +=
          toBigInt(row.cost);
      }
    }

    const items: ReconciliationRow[] = [...cells.values()]
      .sort(
        (a, b) =>
          a.accountId.localeCompare(b.accountId) ||
          b.day - a.day ||
          a.currency.localeCompare(b.currency),
      )
      .map(entry => ({
        accountId: entry.accountId,
        date: new Date(entry.day).toISOString().slice(0, 10),
        currency: entry.currency,
        providerCost: formatNanos(entry.provider),
        recordedCost: formatNanos(entry.recorded),
        difference: formatNanos(entry.provider - entry.recorded),
        differencePercent: percent(
          entry.provider - entry.recorded,
          entry.provider,
        ),
      }));

    const totals = new Map<
      string,
      {
        accountId: string;
        currency: string;
        provider: bigint;
        recorded: bigint;
      }
    >();
    for (const entry of cells.values()) {
      const key = `${entry.accountId}\u0000${entry.currency}`;
      const total = totals.get(key) ?? {
        accountId: entry.accountId,
        currency: entry.currency,
        provider: 0n,
        recorded: 0n,
      };
      total.provider += entry.provider;
      total.recorded += entry.recorded;
      totals.set(key, total);
    }
    return {
      items,
      totals: [...totals.values()]
        .sort(
          (a, b) =>
            a.accountId.localeCompare(b.accountId) ||
            a.currency.localeCompare(b.currency),
        )
        .map(total => ({
          accountId: total.accountId,
          providerCost: {
            currency: total.currency,
            amount: formatNanos(total.provider),
          },
          recordedCost: {
            currency: total.currency,
            amount: formatNanos(total.recorded),
          },
          difference: {
            currency: total.currency,
            amount: formatNanos(total.provider - total.recorded),
          },
        })),
    };
  }
}
