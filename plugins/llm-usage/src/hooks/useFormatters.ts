import { useEffect, useMemo, useState } from 'react';
import {
  appLanguageApiRef,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { DateTime } from 'luxon';
import type {
  CostAmount,
  TrendInterval,
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
  return toLocale(language);
}

function toLocale(language: string): string {
  // Backstage uses bare `zh` for Simplified Chinese.
  if (language === 'zh') {
    return 'zh-CN';
  }
  return language;
}

/**
 * Number, money, duration and time formatting for the viewer's language and
 * time zone. Money stays a decimal string all the way to Intl, so nothing is
 * rounded through floating point before display.
 *
 * @internal
 */
export interface UsageFormatters {
  locale: string;
  integer(value: number): string;
  compact(value: number): string;
  percent(ratio: number | null | undefined): string;
  signedPercent(ratio: number): string;
  signedNumber(value: number): string;
  money(cost: CostAmount): string;
  compactMoney(cost: CostAmount): string;
  duration(ms: number | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  /** Date and minute, for lists where seconds are noise. */
  shortDateTime(iso: string | null | undefined): string;
  bucket(iso: string, interval: TrendInterval): string;
}

/** @internal */
export function createFormatters(locale: string): UsageFormatters {
  const integerFormat = new Intl.NumberFormat(locale, {
    maximumFractionDigits: 0,
  });
  const compactFormat = new Intl.NumberFormat(locale, {
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  const percentFormat = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
  });
  const signedPercentFormat = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const signedNumberFormat = new Intl.NumberFormat(locale, {
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const msFormat = new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'millisecond',
    unitDisplay: 'narrow',
    maximumFractionDigits: 0,
  });
  const secondsFormat = new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'second',
    unitDisplay: 'narrow',
    maximumFractionDigits: 2,
  });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const moneyFormat = (currency: string, amount: number, compact: boolean) => {
    // Sub-cent amounts (single cheap calls) need more digits to say anything.
    const small = Math.abs(amount) > 0 && Math.abs(amount) < 1;
    const cacheKey = `${currency}:${small}:${compact}`;
    let format = moneyFormats.get(cacheKey);
    if (!format) {
      try {
        format = new Intl.NumberFormat(locale, {
          style: 'currency',
          currency,
          notation: compact && !small ? 'compact' : 'standard',
          minimumFractionDigits: small ? 2 : undefined,
          maximumFractionDigits: small ? 6 : 2,
        });
      } catch {
        // Not an ISO 4217 code Intl knows; show the code next to the number.
        format = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
      }
      moneyFormats.set(cacheKey, format);
    }
    return format;
  };
  const formatMoney = (cost: CostAmount, compact: boolean) => {
    const amount = Number(cost.amount);
    const format = moneyFormat(cost.currency, amount, compact);
    // Intl formats decimal strings exactly; the cast is for older lib typings.
    const text = format.format(cost.amount as unknown as number);
    return format.resolvedOptions().style === 'currency'
      ? text
      : `${text} ${cost.currency}`;
  };

  return {
    locale,
    integer: value => integerFormat.format(value),
    compact: value => compactFormat.format(value),
    percent: ratio =>
      ratio === null || ratio === undefined ? '—' : percentFormat.format(ratio),
    signedPercent: ratio => signedPercentFormat.format(ratio),
    signedNumber: value => signedNumberFormat.format(value),
    money: cost => formatMoney(cost, false),
    compactMoney: cost => formatMoney(cost, true),
    duration: ms => {
      if (ms === null || ms === undefined) {
        return '—';
      }
      return ms < 1000 ? msFormat.format(ms) : secondsFormat.format(ms / 1000);
    },
    dateTime: iso => {
      if (!iso) {
        return '—';
      }
      return DateTime.fromISO(iso)
        .toLocal()
        .setLocale(locale)
        .toLocaleString(DateTime.DATETIME_MED_WITH_SECONDS);
    },
    shortDateTime: iso => {
      if (!iso) {
        return '—';
      }
      return DateTime.fromISO(iso)
        .toLocal()
        .setLocale(locale)
        .toLocaleString(DateTime.DATETIME_SHORT);
    },
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

/** @internal */
export function useFormatters(): UsageFormatters {
  const locale = useLocale();
  return useMemo(() => createFormatters(locale), [locale]);
}
