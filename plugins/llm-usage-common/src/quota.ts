import type { Budget } from './budgets';
import type { CostAmount, TimeRange } from './types';

/**
 * Where a runway's burn rate came from: our own call records, the spend the
 * provider reports per day, or the drop between balance readings.
 *
 * @public
 */
export type BurnSource = 'calls' | 'provider-usage' | 'balance-history';

/**
 * How long an amount lasts at the trailing burn rate: the last 7 whole UTC
 * days, recent days weighted more, with a range from their day-to-day spread.
 *
 * @public
 */
export interface Runway {
  /** Weighted spend per day in the currency of the amount. */
  dailyBurn: CostAmount;
  /**
   * Whole days left, rounded down (0 when it runs out within a day), at most
   * a year; null when nothing was spent, so it never runs out at this rate.
   */
  daysLeft: number | null;
  /** The early end of the range, in whole days. */
  daysLeftLow: number | null;
  /** The late end in whole days; null when it is unbounded or beyond a year. */
  daysLeftHigh: number | null;
  /** True when it lasts more than a year: `daysLeft` is then the cap, 365. */
  beyondCap: boolean;
  /** When it runs out (ISO), or null when it never does or beyond a year. */
  runsOutAt: string | null;
  burnSource: BurnSource;
  windowDays: number;
}

/**
 * A budget with its spend so far this month.
 *
 * @public
 */
export interface BudgetQuota {
  budget: Budget;
  /** The calendar month (UTC) the budget applies to now. */
  period: TimeRange;
  total: CostAmount;
  used: CostAmount;
  /** `total - used`; negative once overspent. */
  remaining: CostAmount;
  /** used / total; above 1 once overspent. */
  progress: number;
  runway: Runway;
}

/**
 * The last known balance or credit of one provider account in one currency.
 *
 * @public
 */
export interface BalanceQuota {
  accountId: string;
  accountName: string;
  provider: string;
  ownerRef: string | null;
  available: CostAmount;
  /** Credits granted in total, when the provider says. */
  total: CostAmount | null;
  /** Credits used in total, when the provider says. */
  used: CostAmount | null;
  /** When this balance was read. */
  readAt: string;
  /** True when the last sync failed, so this is the last known balance. */
  stale: boolean;
  /** When the last sync ran, successful or not. */
  lastSyncAt: string | null;
  /** Where to top up or see billing; null when unknown. */
  billingUrl: string | null;
  runway: Runway;
}

/**
 * `GET /usage/quota`: budgets and balances for the caller, or for
 * `?entityRef=`.
 *
 * @public
 */
export interface QuotaResponse {
  /** The entity asked for; absent for the caller's own view. */
  entityRef?: string;
  generatedAt: string;
  budgets: BudgetQuota[];
  balances: BalanceQuota[];
}

/**
 * One balance reading and how it changed since the reading before.
 *
 * @public
 */
export interface BalanceReading {
  readAt: string;
  available: CostAmount;
  /** available minus the previous reading's; null for the first reading. */
  change: CostAmount | null;
  /** A rise is a top-up (or refund), a fall a charge. */
  kind: 'first' | 'top-up' | 'charge' | 'unchanged';
}

/**
 * `GET /accounts/:id/balance-history`, newest first, per currency.
 *
 * @public
 */
export interface BalanceHistoryResponse {
  accountId: string;
  currencies: Array<{
    currency: string;
    readings: BalanceReading[];
  }>;
}
