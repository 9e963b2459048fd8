import { createTranslationResource } from '@backstage/frontend-plugin-api';
import { llmUsageTranslationRef } from '../translation';

/**
 * Every language beyond the built-in English, keyed by the codes Backstage's
 * app-language API uses (`zh` is Simplified Chinese; scripts and regions in
 * BCP 47 form, e.g. `zh-Hant`, `pt-BR`): the loader of its file and the
 * plugin's name in it. Adding a language is one file next to this one plus
 * one line here.
 *
 * The name is here as well as in the file (`nav.title`, a test keeps the two
 * equal) because the app fixes extension titles, such as the entity tab's,
 * while it starts, before any language file has loaded (see
 * `alpha/title.ts`).
 */
const languages = {
  zh: { title: 'LLM 用量', load: () => import('./zh') },
  de: { title: 'LLM-Nutzung', load: () => import('./de') },
  fr: { title: 'Utilisation des LLM', load: () => import('./fr') },
  es: { title: 'Uso de LLM', load: () => import('./es') },
  'pt-BR': { title: 'Uso de LLM', load: () => import('./pt-BR') },
  it: { title: 'Utilizzo LLM', load: () => import('./it') },
  ja: { title: 'LLM 使用状況', load: () => import('./ja') },
  ko: { title: 'LLM 사용량', load: () => import('./ko') },
  'zh-Hant': { title: 'LLM 用量', load: () => import('./zh-Hant') },
  ru: { title: 'Использование LLM', load: () => import('./ru') },
};

type Language = keyof typeof languages;

const loaders = Object.fromEntries(
  Object.entries(languages).map(([language, { load }]) => [language, load]),
) as { [L in Language]: (typeof languages)[L]['load'] };

/**
 * Translations of the LLM Usage plugin beyond the built-in English.
 * Register it in the app (a `TranslationBlueprint` in the new frontend system,
 * `__experimentalTranslations.resources` in a legacy app).
 *
 * @public
 */
export const llmUsageTranslations = createTranslationResource({
  ref: llmUsageTranslationRef,
  translations: loaders,
});

/**
 * Every language the plugin speaks, English first: an app offers these as
 * its `availableLanguages` so users can pick them in Settings.
 *
 * @public
 */
export const LLM_USAGE_LANGUAGES: readonly string[] = [
  'en',
  ...Object.keys(loaders),
];

/**
 * The plugin's name in `language`, without waiting for its file to load;
 * undefined for a language the plugin does not speak (or English, whose
 * name is the translation ref's default).
 */
export function llmUsageTitleIn(language: string): string | undefined {
  return Object.hasOwn(languages, language)
    ? languages[language as Language].title
    : undefined;
}

/** The loaders, for the test that checks every language is complete. */
export const translationLoaders: Readonly<
  Record<string, () => Promise<{ default: unknown }>>
> = loaders;
