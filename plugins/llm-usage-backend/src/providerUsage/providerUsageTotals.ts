import type { Knex } from 'knex';
import { KEYS_TABLE, PROVIDER_USAGE_TABLE } from '../accounts/tables';
import { exactSum } from '../lib/exactSum';
import { toBigInt } from '../lib/money';
import { keyUsageJoin } from './keyUsageJoin';

/*
 * The daily usage providers report (written by the account sync), summed in
 * SQL per account, key or day and always per currency: costs in different
 * currencies are never added up. The one reader of sums the quota, alerts,
 * anomalies, reconciliation and key views share; the usage views read the
 * days in detail through ProviderUsageReader.
 */

/** What provider usage can be summed per, besides its currency. */
export interface ProviderUsageGroups {
  accountId: string;
  /** The provider's key id; '' when the provider does not split by key. */
  providerKeyId: string;
  /** The inventory key of the usage, null when none is (joins the keys). */
  keyId: string | null;
  /** Start of the UTC day. */
  dayStart: number;
}

export type ProviderUsageGrouping = keyof ProviderUsageGroups;

/** Summed tokens, requests and cost, in one currency. */
export interface ProviderUsageAmounts {
  currency: string;
  inputTokens: number;
  outputTokens: number;
  requests: number;
  costNanos: bigint;
}

/** The sums of one group. */
export type ProviderUsageTotal<G extends ProviderUsageGrouping> = Pick<
  ProviderUsageGroups,
  G
> &
  ProviderUsageAmounts;

export interface ProviderUsageFilter {
  /** Days starting at or after this. */
  fromDay: number;
  /** Days starting before this; no end when undefined. */
  toDay?: number;
  /** These accounts only; every account when undefined. */
  accountIds?: readonly string[];
  /** One key's usage only: its provider key id in its account. */
  providerKey?: { accountId: string; providerKeyId: string };
  /** Only usage the provider attributes to a key of its own. */
  byKeyOnly?: boolean;
}

const GROUP_COLUMNS: Record<ProviderUsageGrouping, string> = {
  accountId: 'u.account_id',
  providerKeyId: 'u.provider_key_id',
  keyId: 'k.id',
  dayStart: 'u.day_start',
};

/** The summed columns of a provider usage query on `u`, exact on both databases. */
export function providerUsageAmountColumns(db: Knex) {
  return [
    exactSum(db, 'u.input_tokens', 'input_tokens'),
    exactSum(db, 'u.output_tokens', 'output_tokens'),
    exactSum(db, 'u.requests', 'requests'),
    exactSum(db, 'u.cost_nanos', 'cost_nanos'),
  ];
}

type Summed = string | number | null;

/** A row selected with {@link providerUsageAmountColumns} (text sums). */
export interface ProviderUsageAmountRow {
  currency: string;
  input_tokens: Summed;
  output_tokens: Summed;
  requests: Summed;
  cost_nanos: Summed;
}

export function providerUsageAmountsOf(
  row: ProviderUsageAmountRow,
): ProviderUsageAmounts {
  return {
    currency: row.currency,
    inputTokens: Number(row.input_tokens ?? 0),
    outputTokens: Number(row.output_tokens ?? 0),
    requests: Number(row.requests ?? 0),
    costNanos: toBigInt(row.cost_nanos),
  };
}

/** Provider usage summed per `by` and currency, in no particular order. */
export async function sumProviderUsage<G extends ProviderUsageGrouping>(
  db: Knex,
  by: readonly G[],
  filter: ProviderUsageFilter,
): Promise<Array<ProviderUsageTotal<G>>> {
  const { fromDay, toDay, accountIds, providerKey, byKeyOnly } = filter;
  if (accountIds?.length === 0) return [];
  const query = db(`${PROVIDER_USAGE_TABLE} as u`)
    .select(
      ...by.map(group => `${GROUP_COLUMNS[group]} as ${group}`),
      'u.currency',
      ...providerUsageAmountColumns(db),
    )
    .where('u.day_start', '>=', fromDay)
    .groupBy(...by.map(group => GROUP_COLUMNS[group]), 'u.currency');
  if (by.includes('keyId' as G)) {
    query.leftJoin(`${KEYS_TABLE} as k`, keyUsageJoin('u', 'k'));
  }
  if (toDay !== undefined) query.where('u.day_start', '<', toDay);
  if (accountIds) query.whereIn('u.account_id', accountIds);
  if (providerKey) {
    query
      .where('u.account_id', providerKey.accountId)
      .where('u.provider_key_id', providerKey.providerKeyId);
  }
  if (byKeyOnly) query.whereNot('u.provider_key_id', '');

  const rows: any[] = await query;
  return rows.map(row => {
    const groups: Record<string, unknown> = {};
    for (const group of by) groups[group] = groupValue(group, row[group]);
    return {
      ...(groups as Pick<ProviderUsageGroups, G>),
      ...providerUsageAmountsOf(row),
    };
  });
}

function groupValue(group: ProviderUsageGrouping, value: unknown) {
  if (group === 'dayStart') return Number(value);
  if (group === 'keyId') return value === null ? null : String(value);
  return String(value);
}

/** Tokens and requests (cost is kept per currency beside them). */
export interface ProviderUsageCounts {
  inputTokens: number;
  outputTokens: number;
  requests: number;
}

/** A key's month-to-date usage as its provider reports it. */
export interface KeyMonthUsage extends ProviderUsageCounts {
  cost: Map<string, bigint>;
}

/** Adds summed amounts into counts and their per-currency cost. */
export function addProviderUsage(
  counts: ProviderUsageCounts,
  cost: Map<string, bigint>,
  amounts: ProviderUsageAmounts,
): void {
  counts.inputTokens += amounts.inputTokens;
  counts.outputTokens += amounts.outputTokens;
  counts.requests += amounts.requests;
  cost.set(
    amounts.currency,
    (cost.get(amounts.currency) ?? 0n) + amounts.costNanos,
  );
}
