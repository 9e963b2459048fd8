import { cachedNumberFormat } from './intlCache';

/*
 * Plain numbers for people, in their locale, shared by the pages and the
 * backend's notification texts (money is in moneyFormat).
 */

/**
 * The Intl locale for an app language code. Backstage's bare `zh` is
 * Simplified Chinese, which Intl and luxon spell `zh-CN`.
 *
 * @public
 */
export function intlLocale(language: string): string {
  return language === 'zh' ? 'zh-CN' : language;
}

/**
 * Numbers written the way a locale writes them.
 *
 * @public
 */
export interface NumberFormatters {
  /** `1,234,567`, `1.234.567`. */
  integer(value: number): string;
  /** Large numbers abbreviated in the locale's style: `123.5K`, `12.3万`. */
  compact(value: number): string;
  /** A ratio as a percentage (`0.853` → `85.3%`, `85,3 %`). */
  percent(ratio: number): string;
  /** A change as a percentage with its sign (`+12.5%`, `-3%`, `0%`). */
  signedPercent(ratio: number): string;
  /** A change with its sign and at most one decimal (`+1.5`, `-2`, `0`). */
  signedNumber(value: number): string;
}

/**
 * The number formatters of a locale (an Intl locale, see {@link intlLocale}).
 *
 * @public
 */
export function createNumberFormatters(locale: string): NumberFormatters {
  const integers = cachedNumberFormat(locale, { maximumFractionDigits: 0 });
  const compacts = cachedNumberFormat(locale, {
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  const percents = cachedNumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
  });
  const signedPercents = cachedNumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const signedNumbers = cachedNumberFormat(locale, {
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  return {
    integer: value => integers.format(value),
    compact: value => compacts.format(value),
    percent: ratio => percents.format(ratio),
    signedPercent: ratio => signedPercents.format(ratio),
    signedNumber: value => signedNumbers.format(value),
  };
}
