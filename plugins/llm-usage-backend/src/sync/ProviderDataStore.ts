import type { KeyMonthUsage } from '../providerUsage/providerUsageTotals';
import type { AccountBalance } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';

/** One row of the provider's daily usage, merged from usage and cost records. */
export interface ProviderUsageRow {
  dayStart: number;
  providerKeyId: string;
  model: string;
  providerProjectId: string;
  currency: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  requests: number | null;
  costNanos: bigint;
}

export interface BalanceRow {
  currency: string;
  availableNanos: bigint;
  totalNanos: bigint | null;
  usedNanos: bigint | null;
  readAt: number;
}

/** Daily provider usage and balance readings of accounts. */
export interface ProviderDataStore {
  /**
   * Replaces the account's usage for the days [fromDay, toDay] (UTC day
   * starts): a re-sync of a day never counts twice, and rows the provider
   * no longer reports go away.
   */
  replaceUsage(
    trx: Knex.Transaction,
    accountId: string,
    range: {
      fromDay: number;
      toDay: number;
    },
    rows: ProviderUsageRow[],
    now: number,
  ): Promise<void>;
  addBalances(
    trx: Knex.Transaction | Knex,
    accountId: string,
    balances: BalanceRow[],
  ): Promise<void>;
  /** The newest reading per account and currency. */
  latestBalances(): Promise<AccountBalance[]>;
  /** Month-to-date (UTC) tokens, requests and cost per provider key, by its providerKeyRef. */
  monthByKey(
    accountIds: string[],
    now: number,
  ): Promise<Map<string, KeyMonthUsage>>;
}
