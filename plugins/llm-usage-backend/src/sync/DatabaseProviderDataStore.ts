import type { AccountBalance } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { BALANCES_TABLE, PROVIDER_USAGE_TABLE } from '../accounts/tables';
import { chunk, WRITE_CHUNK_ROWS } from '../database/tables';
import {
  addProviderUsage,
  type KeyMonthUsage,
  sumProviderUsage,
} from '../providerUsage/providerUsageTotals';
import { decimalOf, decimalOrNull, isoTime } from '../lib/columnValues';
import { monthStartOf } from '../time/months';
import { providerKeyRef } from '../providerUsage/keyUsageJoin';
import {
  type ProviderDataStore,
  type ProviderUsageRow,
  type BalanceRow,
} from './ProviderDataStore';

/** The {@link ProviderDataStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseProviderDataStore implements ProviderDataStore {
  constructor(private readonly db: Knex) {}

  /**
   * Replaces the account's usage for the days [fromDay, toDay] (UTC day
   * starts): a re-sync of a day never counts twice, and rows the provider
   * no longer reports go away.
   */
  async replaceUsage(
    trx: Knex.Transaction,
    accountId: string,
    range: { fromDay: number; toDay: number },
    rows: ProviderUsageRow[],
    now: number,
  ): Promise<void> {
    await trx(PROVIDER_USAGE_TABLE)
      .where('account_id', accountId)
      .whereBetween('day_start', [range.fromDay, range.toDay])
      .delete();
    for (const part of chunk(rows, WRITE_CHUNK_ROWS)) {
      await trx(PROVIDER_USAGE_TABLE).insert(
        part.map(row => ({
          account_id: accountId,
          day_start: row.dayStart,
          provider_key_id: row.providerKeyId,
          model: row.model,
          provider_project_id: row.providerProjectId,
          currency: row.currency,
          input_tokens: row.inputTokens,
          output_tokens: row.outputTokens,
          cached_tokens: row.cachedTokens,
          requests: row.requests,
          cost_nanos: row.costNanos.toString(),
          synced_at: now,
        })),
      );
    }
  }

  async addBalances(
    trx: Knex.Transaction | Knex,
    accountId: string,
    balances: BalanceRow[],
  ): Promise<void> {
    if (balances.length === 0) return;
    await trx(BALANCES_TABLE).insert(
      balances.map(balance => ({
        account_id: accountId,
        currency: balance.currency,
        available_nanos: balance.availableNanos.toString(),
        total_nanos: balance.totalNanos?.toString() ?? null,
        used_nanos: balance.usedNanos?.toString() ?? null,
        read_at: balance.readAt,
      })),
    );
  }

  /** The newest reading per account and currency. */
  async latestBalances(): Promise<AccountBalance[]> {
    const latest = this.db(BALANCES_TABLE)
      .select('account_id', 'currency')
      .max({ read_at: 'read_at' })
      .groupBy('account_id', 'currency')
      .as('latest');
    const rows: Array<{
      account_id: string;
      currency: string;
      available_nanos: string | number;
      total_nanos: string | number | null;
      used_nanos: string | number | null;
      read_at: string | number;
      id: number;
    }> = await this.db(`${BALANCES_TABLE} as b`)
      .join(latest, join =>
        join
          .on('b.account_id', 'latest.account_id')
          .andOn('b.currency', 'latest.currency')
          .andOn('b.read_at', 'latest.read_at'),
      )
      .select('b.*')
      .orderBy('b.id', 'desc');
    const seen = new Set<string>();
    const result: AccountBalance[] = [];
    for (const row of rows) {
      const key = `${row.account_id}\u0000${row.currency}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push({
        accountId: row.account_id,
        currency: row.currency,
        available: decimalOf(row.available_nanos),
        total: decimalOrNull(row.total_nanos),
        used: decimalOrNull(row.used_nanos),
        readAt: isoTime(row.read_at),
      });
    }
    return result.sort(
      (a, b) =>
        a.accountId.localeCompare(b.accountId) ||
        a.currency.localeCompare(b.currency),
    );
  }

  /** Month-to-date (UTC) tokens, requests and cost per account and provider key id. */
  async monthByKey(
    accountIds: string[],
    now: number,
  ): Promise<Map<string, KeyMonthUsage>> {
    const result = new Map<string, KeyMonthUsage>();
    const totals = await sumProviderUsage(
      this.db,
      ['accountId', 'providerKeyId'],
      { fromDay: monthStartOf(now), accountIds, byKeyOnly: true },
    );
    for (const total of totals) {
      const key = providerKeyRef(total.accountId, total.providerKeyId);
      const entry = result.get(key) ?? {
        inputTokens: 0,
        outputTokens: 0,
        requests: 0,
        cost: new Map<string, bigint>(),
      };
      addProviderUsage(entry, entry.cost, total);
      result.set(key, entry);
    }
    return result;
  }
}
