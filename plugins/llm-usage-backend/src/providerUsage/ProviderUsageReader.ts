import type { Knex } from 'knex';
import {
  ACCOUNTS_TABLE,
  KEYS_TABLE,
  PROVIDER_USAGE_TABLE,
} from '../accounts/tables';
import { DAY_MS, HOUR_MS } from '../database/tables';
import { exactSum } from '../lib/exactSum';
import { type OwnerFilter, applyOwnerFilter } from '../permissions';
import { keyUsageJoin } from './keyUsageJoin';
import {
  type ProviderUsageAmountRow,
  type ProviderUsageAmounts,
  providerUsageAmountColumns,
  providerUsageAmountsOf,
} from './providerUsageTotals';

/**
 * Which provider-reported usage a caller may see: a key's usage is visible
 * to whoever may read the key; usage the provider does not attribute to a
 * key of the inventory (not split by key, or a key unknown here) belongs to
 * its account and is visible to whoever may see the account.
 */
export interface ProviderUsageVisibility {
  keys: OwnerFilter;
  accounts: OwnerFilter;
}

/** Narrows provider usage to the keys of an entity. */
export interface ProviderUsageRestriction {
  /** Only keys linked to one of these Components (lower-case refs). */
  componentRefs?: string[];
  /** Only keys owned by one of these (lower-case refs). */
  ownerRefs?: string[];
}

/** One day of provider usage at the finest grain the views need. */
export interface ProviderUsageDay extends ProviderUsageAmounts {
  /** Start of the UTC day the provider reported. */
  dayStart: number;
  accountId: string;
  accountName: string;
  provider: string;
  /** '' when the provider does not split the usage by key. */
  providerKeyId: string;
  /** The inventory key, when the provider's key id is one of ours. */
  keyId: string | null;
  keyName: string | null;
  /** The Component the key is linked to (lower-case ref). */
  componentRef: string | null;
  model: string;
  cachedTokens: number;
}

/**
 * A provider reports whole UTC days. A day counts in a range, and in a
 * trend bucket of any time zone, by its noon: that instant falls on the same
 * calendar date in every zone from UTC−12 to UTC+11, so a day keeps its date
 * for (almost) every viewer, and adjacent ranges never count a day twice.
 */
export function dayNoon(dayStart: number): number {
  return dayStart + 12 * HOUR_MS;
}

/** The day starts whose noon lies in [from, to). */
export function daysOfRange(range: { from: number; to: number }) {
  const noon = 12 * HOUR_MS;
  return {
    firstDay: Math.ceil((range.from - noon) / DAY_MS) * DAY_MS,
    /** Exclusive. */
    endDay: Math.ceil((range.to - noon) / DAY_MS) * DAY_MS,
  };
}

type SumRow = ProviderUsageAmountRow & {
  day_start: string | number;
  account_id: string;
  account_name: string;
  provider: string;
  provider_key_id: string;
  key_id: string | null;
  key_name: string | null;
  component_ref: string | null;
  model: string;
  cached_tokens: string | null;
};

/**
 * Reads the daily usage providers reported (written by the account sync),
 * joined to the accounts and the key inventory, filtered by what the caller
 * may see. The one place that knows the tables; the service sums the days.
 */
export class ProviderUsageReader {
  constructor(private readonly db: Knex) {}

  async days(
    visibility: ProviderUsageVisibility,
    range: { from: number; to: number },
    restriction: ProviderUsageRestriction = {},
  ): Promise<ProviderUsageDay[]> {
    const { keys, accounts } = visibility;
    if (keys.kind === 'none' && accounts.kind === 'none') return [];
    const { componentRefs, ownerRefs } = restriction;
    const restricted = componentRefs !== undefined || ownerRefs !== undefined;
    if (restricted && !componentRefs?.length && !ownerRefs?.length) return [];
    const { firstDay, endDay } = daysOfRange(range);
    if (endDay <= firstDay) return [];

    const query = this.db(`${PROVIDER_USAGE_TABLE} as u`)
      .join(`${ACCOUNTS_TABLE} as a`, 'a.id', 'u.account_id')
      .leftJoin(`${KEYS_TABLE} as k`, join =>
        keyUsageJoin('u', 'k')(join).andOnNull('k.deleted_at'),
      )
      .select(
        'u.day_start',
        'u.account_id',
        'a.name as account_name',
        'a.provider',
        'u.provider_key_id',
        'k.id as key_id',
        'k.name as key_name',
        'k.component_ref',
        'u.model',
        'u.currency',
        ...providerUsageAmountColumns(this.db),
        exactSum(this.db, 'u.cached_tokens', 'cached_tokens'),
      )
      .where('u.day_start', '>=', firstDay)
      .where('u.day_start', '<', endDay)
      .groupBy(
        'u.day_start',
        'u.account_id',
        'a.name',
        'a.provider',
        'u.provider_key_id',
        'k.id',
        'k.name',
        'k.component_ref',
        'u.model',
        'u.currency',
      );

    if (restricted) {
      // An entity's usage is that of its keys: unattributed usage is not.
      query.whereNotNull('k.id').where(inner => {
        inner.whereRaw('1 = 0');
        if (componentRefs?.length) {
          inner.orWhereRaw(
            `lower(k.component_ref) in (${componentRefs
              .map(() => '?')
              .join(', ')})`,
            componentRefs,
          );
        }
        if (ownerRefs?.length) {
          inner.orWhereRaw(
            `lower(k.owner_ref) in (${ownerRefs.map(() => '?').join(', ')})`,
            ownerRefs,
          );
        }
      });
    }
    query.where(visible => {
      visible
        .where(byKey =>
          byKey
            .whereNotNull('k.id')
            .where(inner => applyOwnerFilter(inner, keys, 'k.owner_ref')),
        )
        .orWhere(byAccount =>
          byAccount
            .whereNull('k.id')
            .where(inner => applyOwnerFilter(inner, accounts, 'a.owner_ref')),
        );
    });

    const rows = (await query) as unknown as SumRow[];
    return rows.map(row => ({
      dayStart: Number(row.day_start),
      accountId: row.account_id,
      accountName: row.account_name,
      provider: row.provider,
      providerKeyId: row.provider_key_id,
      keyId: row.key_id,
      keyName: row.key_name,
      componentRef: row.component_ref?.toLocaleLowerCase('en-US') ?? null,
      model: row.model,
      ...providerUsageAmountsOf(row),
      cachedTokens: Number(row.cached_tokens ?? 0),
    }));
  }
}
