import {
  createNumberFormatters,
  formatMoney,
  intlLocale,
  type NumberFormatters,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  localeCatalog,
  type BackendMessages,
  type LocaleMessages,
  type Plural,
} from './messages';
import { de } from './locales/de';
import { en } from './locales/en';
import { es } from './locales/es';
import { fr } from './locales/fr';
import { it } from './locales/it';
import { ja } from './locales/ja';
import { ko } from './locales/ko';
import { ptBR } from './locales/pt-BR';
import { ru } from './locales/ru';
import { zh } from './locales/zh';
import { zhHant } from './locales/zh-Hant';

export type {
  BackendMessages,
  ExportColumnId,
  LocaleMessages,
  Plural,
} from './messages';
export { EXPORT_COLUMN_IDS } from './messages';

/**
 * The backend's translations by language code, the codes the frontend's app
 * language uses. Adding a language is one file in `locales/` and one line.
 */
const TRANSLATIONS: Record<string, LocaleMessages> = {
  zh,
  'zh-Hant': zhHant,
  ja,
  ko,
  de,
  fr,
  es,
  'pt-BR': ptBR,
  ru,
  it,
};

/** The catalogs by language code; English is the reference the others follow. */
const CATALOGS: Record<string, BackendMessages> = {
  en,
  ...Object.fromEntries(
    Object.entries(TRANSLATIONS).map(([code, texts]) => [
      code,
      localeCatalog(texts),
    ]),
  ),
};

/** Every language the backend writes in. */
export const BACKEND_LANGUAGES: readonly string[] = Object.keys(CATALOGS);

/**
 * A supported language for a requested one: itself, or its base language
 * (`de-AT` → `de`, `zh-TW` → `zh-Hant`, `pt` → `pt-BR`); undefined if none.
 */
export function supportedLanguage(
  requested: string | null | undefined,
): string | undefined {
  if (!requested) return undefined;
  const exact = BACKEND_LANGUAGES.find(
    code => code.toLowerCase() === requested.toLowerCase(),
  );
  if (exact) return exact;
  const [base, region] = requested.toLowerCase().split(/[-_]/);
  if (base === 'zh') {
    return ['hant', 'tw', 'hk', 'mo'].includes(region ?? '') ? 'zh-Hant' : 'zh';
  }
  return BACKEND_LANGUAGES.find(code => code.split('-')[0] === base);
}

/** Texts and numbers for people who read one language. */
export interface Translator
  extends Pick<NumberFormatters, 'integer' | 'percent' | 'signedPercent'> {
  language: string;
  messages: BackendMessages;
  /** Fills `{{name}}` slots; values are inserted as they are. */
  fill(template: string, values?: Record<string, string | number>): string;
  /** The plural form for `count`, with `{{count}}` formatted. */
  plural(forms: Plural, count: number): string;
  /** An amount with its currency, precision by magnitude; never a raw float. */
  money(amount: string | number, currency: string): string;
  /** A UTC day, e.g. `Dec 4, 2026`, `2026年12月4日`. */
  day(epochMs: number): string;
  /** A UTC month from `2026-11`, e.g. `November 2026`. */
  month(yearMonth: string): string;
  /** A UTC time to the minute, with the zone. */
  time(epochMs: number): string;
}

/** A translator for a language; unknown languages read English. */
export function translatorFor(language: string): Translator {
  const code = supportedLanguage(language) ?? 'en';
  const messages = CATALOGS[code];
  const locale = intlLocale(code);
  const rules = new Intl.PluralRules(locale);
  const numbers = createNumberFormatters(locale);
  const days = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeZone: 'UTC',
  });
  const months = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  });
  const times = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  });
  const fill: Translator['fill'] = (template, values = {}) =>
    template.replace(/\{\{(\w+)\}\}/g, (slot, name: string) =>
      name in values ? String(values[name]) : slot,
    );
  return {
    language: code,
    messages,
    fill,
    plural: (forms, count) =>
      fill(forms[rules.select(count)] ?? forms.other, {
        count: numbers.integer(count),
      }),
    integer: numbers.integer,
    percent: numbers.percent,
    signedPercent: numbers.signedPercent,
    money: (amount, currency) =>
      formatMoney(locale, { amount: String(amount), currency }),
    day: epochMs => days.format(epochMs),
    month: yearMonth => {
      const parsed = Date.parse(`${yearMonth}-01T00:00:00Z`);
      return Number.isNaN(parsed) ? yearMonth : months.format(parsed);
    },
    time: epochMs => times.format(epochMs),
  };
}
