import type {
  ReconciliationKeyRow,
  ReconciliationKeysResponse,
  ReconciliationResponse,
  ReconciliationRow,
  ReconciliationTotal,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { ACCOUNTS_TABLE, KEYS_TABLE } from '../accounts/tables';
import { DAY_MS } from '../database/tables';
import { detailRowsIn, readRawDetailDays } from '../rollup/rawDetailDays';
import { formatNanos, toBigInt } from '../lib/money';
import { providerKeyRef } from '../providerUsage/keyUsageJoin';
import { sumProviderUsage } from '../providerUsage/providerUsageTotals';

/** `llmUsage.reconciliation.tolerancePercent` when not configured. */
export const DEFAULT_RECONCILIATION_TOLERANCE_PERCENT = 5;

export interface ReconciliationQueryParams {
  /** Restricts to these accounts; undefined means every account. */
  accountIds?: string[];
  /** First UTC day start, inclusive. */
  fromDay: number;
  /** Last UTC day start, inclusive. */
  toDay: number;
  /** Flags against this tolerance instead of the configured one. */
  tolerancePercent?: number;
}

/** Provider-reported and recorded cost of one cell, in nano-units. */
export interface Amounts {
  provider: bigint;
  recorded: bigint;
}

/** One account's UTC day in one currency. */
export interface ReconciliationDay extends Amounts {
  accountId: string;
  /** Start of the UTC day, epoch ms. */
  day: number;
  currency: string;
}

/**
 * One key of one account on one UTC day in one currency. `keyRef` is the
 * inventory id, `pk:<provider key id>` for a key the inventory lacks, or ''
 * for provider usage not split by key.
 */
interface KeyCell extends Amounts {
  accountId: string;
  day: number;
  currency: string;
  keyRef: string;
}

interface KeyInfo {
  id: string;
  name: string;
  providerKeyId: string | null;
}

/** `difference` in percent of `base`, two decimals; null when `base` is 0. */
export function percent(difference: bigint, base: bigint): number | null {
  if (base === 0n) return null;
  // Two decimals, computed in integers before the one division to a float.
  return Number((difference * 10_000n) / base) / 100;
}

const abs = (value: bigint) => (value < 0n ? -value : value);

/**
 * Whether the two costs differ by more than `tolerancePercent` of the
 * provider's cost. With nothing reported by the provider, any recorded cost
 * is beyond every tolerance. Exact: compared in integers (basis points).
 */
export function beyondTolerance(
  amounts: Amounts,
  tolerancePercent: number,
): boolean {
  const difference = abs(amounts.provider - amounts.recorded);
  if (difference === 0n) return false;
  if (amounts.provider === 0n) return true;
  const basisPoints = BigInt(Math.round(tolerancePercent * 100));
  return difference * 10_000n > basisPoints * abs(amounts.provider);
}

const utcDate = (day: number) => new Date(day).toISOString().slice(0, 10);

/**
 * What providers billed against what the ingested calls of the same keys
 * cost, per account, UTC day, key and currency, flagged where the two differ
 * by more than the tolerance. Calls are matched to a key (and so an
 * account) by their `apiKeyId`: either the inventory id of the key or the
 * provider's id of it. Recorded costs come from the daily rollup.
 */
export class Reconciliation {
  readonly tolerancePercent: number;

  constructor(
    private readonly db: Knex,
    options: { tolerancePercent?: number } = {},
  ) {
    this.tolerancePercent =
      options.tolerancePercent ?? DEFAULT_RECONCILIATION_TOLERANCE_PERCENT;
  }

  /** Per account and day, with the sums per account over the range. */
  async report(
    params: ReconciliationQueryParams,
  ): Promise<ReconciliationResponse> {
    const tolerancePercent = params.tolerancePercent ?? this.tolerancePercent;
    if (params.accountIds && params.accountIds.length === 0) {
      return { tolerancePercent, items: [], totals: [] };
    }
    const rows = await this.dayAmounts(params);
    rows.sort(
      (a, b) =>
        a.accountId.localeCompare(b.accountId) ||
        b.day - a.day ||
        a.currency.localeCompare(b.currency),
    );
    const items: ReconciliationRow[] = rows.map(row => ({
      accountId: row.accountId,
      date: utcDate(row.day),
      currency: row.currency,
      ...this.figures(row, tolerancePercent),
    }));

    const sums = new Map<string, Amounts & { daysOver: number }>();
    for (const [index, row] of rows.entries()) {
      const key = `${row.accountId}\u0000${row.currency}`;
      const sum = sums.get(key) ?? { provider: 0n, recorded: 0n, daysOver: 0 };
      sum.provider += row.provider;
      sum.recorded += row.recorded;
      if (items[index].overTolerance) sum.daysOver += 1;
      sums.set(key, sum);
    }
    const accounts = await this.accountInfo([
      ...new Set(rows.map(row => row.accountId)),
    ]);
    const totals: ReconciliationTotal[] = [...sums.entries()]
      .map(([key, sum]) => {
        const [accountId, currency] = key.split('\u0000');
        const figures = this.figures(sum, tolerancePercent);
        const money = (amount: string) => ({ currency, amount });
        return {
          accountId,
          accountName: accounts.get(accountId)?.name ?? accountId,
          provider: accounts.get(accountId)?.provider ?? '',
          providerCost: money(figures.providerCost),
          recordedCost: money(figures.recordedCost),
          difference: money(figures.difference),
          differencePercent: figures.differencePercent,
          overTolerance: figures.overTolerance,
          daysOverTolerance: sum.daysOver,
        };
      })
      .sort(
        (a, b) =>
          a.accountName.localeCompare(b.accountName) ||
          a.accountId.localeCompare(b.accountId) ||
          a.providerCost.currency.localeCompare(b.providerCost.currency),
      );
    return { tolerancePercent, items, totals };
  }

  /** Provider-reported and recorded cost per account, UTC day and currency. */
  async dayAmounts(
    params: ReconciliationQueryParams,
  ): Promise<ReconciliationDay[]> {
    if (params.accountIds && params.accountIds.length === 0) return [];
    const { cells } = await this.keyCells(params);
    const days = new Map<string, ReconciliationDay>();
    for (const cell of cells) {
      const key = `${cell.accountId}\u0000${cell.day}\u0000${cell.currency}`;
      const day = days.get(key) ?? {
        accountId: cell.accountId,
        day: cell.day,
        currency: cell.currency,
        provider: 0n,
        recorded: 0n,
      };
      day.provider += cell.provider;
      day.recorded += cell.recorded;
      days.set(key, day);
    }
    return [...days.values()];
  }

  /** The keys behind one account's UTC day. */
  async keys(params: {
    accountId: string;
    day: number;
  }): Promise<ReconciliationKeysResponse> {
    const { accountId, day } = params;
    const { cells, keys } = await this.keyCells({
      accountIds: [accountId],
      fromDay: day,
      toDay: day,
    });
    const tolerancePercent = this.tolerancePercent;
    const label = (cell: KeyCell) => keys.get(cell.keyRef)?.name ?? cell.keyRef;
    // The biggest gaps first: that is what the drill-down is for.
    const sorted = [...cells].sort((a, b) => {
      const order = abs(b.provider - b.recorded) - abs(a.provider - a.recorded);
      if (order !== 0n) return order > 0n ? 1 : -1;
      return (
        label(a).localeCompare(label(b)) || a.currency.localeCompare(b.currency)
      );
    });
    const items: ReconciliationKeyRow[] = sorted.map(cell => {
      const key = keys.get(cell.keyRef);
      return {
        keyId: key?.id ?? null,
        keyName: key?.name ?? null,
        providerKeyId:
          key?.providerKeyId ??
          (cell.keyRef.startsWith('pk:') ? cell.keyRef.slice(3) : null),
        currency: cell.currency,
        ...this.figures(cell, tolerancePercent),
      };
    });
    return { accountId, date: utcDate(day), tolerancePercent, items };
  }

  private figures(amounts: Amounts, tolerancePercent: number) {
    const difference = amounts.provider - amounts.recorded;
    return {
      providerCost: formatNanos(amounts.provider),
      recordedCost: formatNanos(amounts.recorded),
      difference: formatNanos(difference),
      differencePercent: percent(difference, amounts.provider),
      overTolerance: beyondTolerance(amounts, tolerancePercent),
    };
  }

  private async accountInfo(
    ids: string[],
  ): Promise<Map<string, { name: string; provider: string }>> {
    const info = new Map<string, { name: string; provider: string }>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows: Array<{ id: string; name: string; provider: string }> =
        await this.db(ACCOUNTS_TABLE)
          .select('id', 'name', 'provider')
          .whereIn('id', ids.slice(i, i + 500));
      for (const row of rows) info.set(row.id, row);
    }
    return info;
  }

  /** Provider and recorded cost per account, day, key and currency. */
  private async keyCells(
    params: ReconciliationQueryParams,
  ): Promise<{ cells: KeyCell[]; keys: Map<string, KeyInfo> }> {
    const { accountIds, fromDay, toDay } = params;
    const providerTotals = await sumProviderUsage(
      this.db,
      ['accountId', 'dayStart', 'providerKeyId'],
      // The last day is inclusive.
      { fromDay, toDay: toDay + DAY_MS, accountIds },
    );

    const keyRows: Array<{
      id: string;
      account_id: string;
      provider_key_id: string | null;
      name: string;
    }> = await this.db(KEYS_TABLE)
      .select('id', 'account_id', 'provider_key_id', 'name')
      .modify(query => {
        if (accountIds) query.whereIn('account_id', accountIds);
      });
    const keys = new Map<string, KeyInfo>();
    // A call names its key by our id or the provider's; a provider row by
    // the provider's id within its account.
    const keyOfCall = new Map<string, { id: string; accountId: string }>();
    const keyOfProviderId = new Map<string, string>();
    for (const row of keyRows) {
      keys.set(row.id, {
        id: row.id,
        name: row.name,
        providerKeyId: row.provider_key_id,
      });
      keyOfCall.set(row.id, { id: row.id, accountId: row.account_id });
      if (row.provider_key_id) {
        keyOfCall.set(row.provider_key_id, {
          id: row.id,
          accountId: row.account_id,
        });
        keyOfProviderId.set(
          providerKeyRef(row.account_id, row.provider_key_id),
          row.id,
        );
      }
    }

    type RecordedRow = {
      api_key_id: string;
      day_start: string | number;
      currency: string;
      cost: string | number | null;
    };
    const recordedRows: RecordedRow[] = [];
    const callKeyIds = [...keyOfCall.keys()];
    const rawDetailDays = await readRawDetailDays(this.db);
    for (let i = 0; i < callKeyIds.length; i += 500) {
      const part: RecordedRow[] = await detailRowsIn(this.db, {
        table: 'daily',
        span: [fromDay, toDay + DAY_MS],
        rawDetailDays,
      })
        .select('api_key_id', 'day_start', 'currency')
        .sum({ cost: 'cost_nanos' })
        .whereIn('api_key_id', callKeyIds.slice(i, i + 500))
        .groupBy('api_key_id', 'day_start', 'currency');
      for (const row of part) recordedRows.push(row);
    }

    const cells = new Map<string, KeyCell>();
    const cell = (
      accountId: string,
      day: number,
      currency: string,
      keyRef: string,
    ) => {
      const key = [accountId, day, currency, keyRef].join('\u0000');
      let entry = cells.get(key);
      if (!entry) {
        entry = {
          accountId,
          day,
          currency,
          keyRef,
          provider: 0n,
          recorded: 0n,
        };
        cells.set(key, entry);
      }
      return entry;
    };
    for (const total of providerTotals) {
      let keyRef = '';
      if (total.providerKeyId) {
        keyRef =
          keyOfProviderId.get(
            providerKeyRef(total.accountId, total.providerKeyId),
          ) ?? `pk:${total.providerKeyId}`;
      }
      cell(total.accountId, total.dayStart, total.currency, keyRef).provider +=
        total.costNanos;
    }
    for (const row of recordedRows) {
      const key = keyOfCall.get(row.api_key_id);
      if (key) {
        cell(
          key.accountId,
          Number(row.day_start),
          row.currency,
          key.id,
        ).recorded += toBigInt(row.cost);
      }
    }
    return { cells: [...cells.values()], keys };
  }
}
