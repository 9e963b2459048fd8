import { cachedNumberFormat } from './intlCache';
import type { CostAmount } from './types';

/*
 * Money for people, in their locale, shared by the pages and the backend's
 * notification texts. Amounts stay decimal strings all the way into Intl
 * (which formats them exactly), so nothing is rounded through a float first;
 * the float is only used to find the magnitude.
 */

/** Significant digits a sub-unit amount keeps (0.017048 → 0.017). */
const SIGNIFICANT_DIGITS = 2;
/** Money is stored in nano-units, so more decimals never say anything. */
const MAX_FRACTION_DIGITS = 9;
/** From here on a compact amount is written as 1.2K / 1.2万. */
const COMPACT_FROM = 10_000;

const minorDigitsCache = new Map<string, number>();

/**
 * The decimals a currency is normally written with (2 for USD and CNY, 0 for
 * JPY); 2 for codes Intl does not know.
 *
 * @public
 */
export function currencyMinorDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', {
          style: 'currency',
          currency,
        }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * Decimals that show an amount with sensible precision for its magnitude:
 * the currency's usual decimals from one unit up (and for zero), and two
 * significant digits below one unit (0.954154 → 0.95, 0.017048 → 0.017).
 *
 * @public
 */
export function moneyFractionDigits(cost: CostAmount): number {
  const minor = currencyMinorDigits(cost.currency);
  const magnitude = Math.abs(Number(cost.amount));
  if (!Number.isFinite(magnitude) || magnitude === 0 || magnitude >= 1) {
    return minor;
  }
  const leadingZeros = -Math.floor(Math.log10(magnitude)) - 1;
  return Math.min(
    MAX_FRACTION_DIGITS,
    Math.max(minor, leadingZeros + SIGNIFICANT_DIGITS),
  );
}

/**
 * One number of decimals per currency for a column of amounts, so that every
 * cell of a column reads alike (no `$0.00` above `$0.017`): the most that any
 * amount of that currency needs.
 *
 * @public
 */
export function moneyColumnDigits(costs: CostAmount[]): Map<string, number> {
  const digits = new Map<string, number>();
  for (const cost of costs) {
    digits.set(
      cost.currency,
      Math.max(digits.get(cost.currency) ?? 0, moneyFractionDigits(cost)),
    );
  }
  return digits;
}

/** @public */
export interface MoneyFormatOptions {
  /** Fixed decimals (a column's); by default the amount's own precision. */
  fractionDigits?: number;
  /** Large amounts as 12K / 1.2万 (Intl compact notation). */
  compact?: boolean;
}

/**
 * Formats an amount in a locale with its currency's symbol, e.g. `$1,234.50`,
 * `1.234,50 $`, `¥88.12`. A code Intl does not know is written after the
 * number. Currencies are never converted.
 *
 * @public
 */
export function formatMoney(
  locale: string,
  cost: CostAmount,
  options: MoneyFormatOptions = {},
): string {
  const magnitude = Math.abs(Number(cost.amount));
  const compact = options.compact === true && magnitude >= COMPACT_FROM;
  const digits = options.fractionDigits ?? moneyFractionDigits(cost);
  const numberOptions: Intl.NumberFormatOptions = compact
    ? { notation: 'compact', maximumSignificantDigits: 3 }
    : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  // Intl formats decimal strings exactly; the cast is for older lib typings.
  const amount = cost.amount as unknown as number;
  try {
    return cachedNumberFormat(locale, {
      style: 'currency',
      currency: cost.currency,
      ...numberOptions,
    }).format(amount);
  } catch {
    const text = cachedNumberFormat(locale, numberOptions).format(amount);
    return `${text} ${cost.currency}`;
  }
}
