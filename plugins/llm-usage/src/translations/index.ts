import { createTranslationResource } from '@backstage/frontend-plugin-api';
import { llmUsageTranslationRef } from '../translation';

/**
 * One loader per language beyond the built-in English, keyed by the codes
 * Backstage's app-language API uses (`zh` is Simplified Chinese; scripts and
 * regions in BCP 47 form, e.g. `zh-Hant`, `pt-BR`). Adding a language is one
 * file next to this one plus one line here.
 */
const loaders = {
  zh: () => import('./zh'),
  de: () => import('./de'),
  fr: () => import('./fr'),
  es: () => import('./es'),
  'pt-BR': () => import('./pt-BR'),
  it: () => import('./it'),
  ja: () => import('./ja'),
  ko: () => import('./ko'),
  'zh-Hant': () => import('./zh-Hant'),
  ru: () => import('./ru'),
};

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

/** The loaders, for the test that checks every language is complete. */
export const translationLoaders: Readonly<
  Record<string, () => Promise<{ default: unknown }>>
> = loaders;
