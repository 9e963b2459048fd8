import { useEffect, useState } from 'react';
import {
  appLanguageApiRef,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { DateTime } from 'luxon';
import {
  createNumberFormatters,
  formatMoney,
  intlLocale,
  moneyColumnDigits,
  type CostAmount,
  type NumberFormatters,
  type TrendInterval,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/**
 * The app's chosen language as a BCP 47 locale for Intl and luxon. Apps
 * without a language API fall back to English.
 *
 * @internal
 */
export function useLocale(): string {
  const languageApi = useApiHolder().get(appLanguageApiRef);
  const [language, setLanguage] = useState(
    () => languageApi?.getLanguage().language ?? 'en',
  );
  useEffect(() => {
    if (!languageApi) {
      return undefined;
    }
    const subscription = languageApi
      .language$()
      .subscribe(next => setLanguage(next.language));
    return () => subscription.unsubscribe();
  }, [languageApi]);
  return intlLocale(language);
}

/**
 * Number, money, duration and time formatting for the viewer's language and
 * time zone. Money stays a decimal string all the way to Intl, so nothing is
 * rounded through floating point before display.
 *
 * @internal
 */
export interface UsageFormatters extends Omit<NumberFormatters, 'percent'> {
  locale: string;
  /** A ratio as a percentage; `—` when there is none. */
  percent(ratio: number | null | undefined): string;
  /** Precision by magnitude: `$1,234.50`, `CN¥0.95`, `$0.017`. */
  money(cost: CostAmount): string;
  /** Large amounts abbreviated in the locale's style (`$1.23M`, `¥12.3万`). */
  compactMoney(cost: CostAmount): string;
  /**
   * A formatter for one table column: every amount of a currency gets the
   * same decimals, so `$0.000` and `$0.017` line up instead of `$0.00`
   * next to `$0.017048`.
   */
  moneyColumn(costs: CostAmount[]): (cost: CostAmount) => string;
  /** `961 ms` below a second, `1.59 sec` from there on. */
  duration(ms: number | null | undefined): string;
  /** One unit for a whole column: seconds as soon as one value needs them. */
  durationColumn(
    values: Array<number | null | undefined>,
  ): (ms: number | null | undefined) => string;
  /** `3 days ago`, `in 2 hours`, in the viewer's language. */
  relativeTime(iso: string | null | undefined, now?: number): string;
  dateTime(iso: string | null | undefined): string;
  /** Date and minute, for lists where seconds are noise. */
  shortDateTime(iso: string | null | undefined): string;
  bucket(iso: string, interval: TrendInterval): string;
}

/** @internal */
export function createFormatters(locale: string): UsageFormatters {
  const numbers = createNumberFormatters(locale);
  const unitFormat = (unit: 'millisecond' | 'second', digits: number) =>
    new Intl.NumberFormat(locale, {
      style: 'unit',
      unit,
      // CLDR's short units, one style everywhere: 961 ms, 1.59 sec, 1,59 Sek.
      unitDisplay: 'short',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  const msFormat = unitFormat('millisecond', 0);
  const secondsFormat = unitFormat('second', 2);
  const inUnit = (ms: number, seconds: boolean) =>
    seconds ? secondsFormat.format(ms / 1000) : msFormat.format(ms);
  /** An instant in the viewer's time zone, in one of luxon's presets. */
  const localDateTime = (
    iso: string | null | undefined,
    preset: Intl.DateTimeFormatOptions,
  ) =>
    iso
      ? DateTime.fromISO(iso).toLocal().setLocale(locale).toLocaleString(preset)
      : '—';

  return {
    locale,
    ...numbers,
    percent: ratio =>
      ratio === null || ratio === undefined ? '—' : numbers.percent(ratio),
    money: cost => formatMoney(locale, cost),
    compactMoney: cost => formatMoney(locale, cost, { compact: true }),
    moneyColumn: costs => {
      const digits = moneyColumnDigits(costs);
      return cost =>
        formatMoney(locale, cost, {
          fractionDigits: digits.get(cost.currency),
        });
    },
    duration: ms =>
      ms === null || ms === undefined ? '—' : inUnit(ms, ms >= 1000),
    durationColumn: values => {
      const seconds = values.some(ms => (ms ?? 0) >= 1000);
      return ms =>
        ms === null || ms === undefined ? '—' : inUnit(ms, seconds);
    },
    relativeTime: (iso, now = Date.now()) => {
      if (!iso) {
        return '—';
      }
      return (
        DateTime.fromISO(iso)
          .setLocale(locale)
          .toRelative({ base: DateTime.fromMillis(now) }) ?? '—'
      );
    },
    dateTime: iso => localDateTime(iso, DateTime.DATETIME_MED_WITH_SECONDS),
    shortDateTime: iso => localDateTime(iso, DateTime.DATETIME_SHORT),
    bucket: (iso, interval) => {
      const time = DateTime.fromISO(iso, { setZone: true }).setLocale(locale);
      switch (interval) {
        case 'hour':
          return time.toLocaleString({
            month: 'short',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
          });
        case 'month':
          return time.toLocaleString({ year: 'numeric', month: 'short' });
        default:
          return time.toLocaleString({ month: 'short', day: 'numeric' });
      }
    },
  };
}

/** One set per language: every component of a page shares it. */
const formattersByLocale = new Map<string, UsageFormatters>();

/** @internal */
export function useFormatters(): UsageFormatters {
  const locale = useLocale();
  let formatters = formattersByLocale.get(locale);
  if (!formatters) {
    formatters = createFormatters(locale);
    formattersByLocale.set(locale, formatters);
  }
  return formatters;
}
