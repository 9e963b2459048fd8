import {
  type ApiHolder,
  appLanguageApiRef,
  translationApiRef,
} from '@backstage/frontend-plugin-api';
import { llmUsageTranslationRef } from '../translation';
import { llmUsageTitleIn } from '../translations';

/** The plugin's name in English, the source language. */
export const LLM_USAGE_TITLE = 'LLM Usage';

/**
 * The plugin's name in the viewer's language, for titles the app takes as
 * plain strings when it builds its pages: the entity tab (and the browser
 * title of that tab) and the page's navigation item.
 *
 * Extension factories run once, synchronously, while the app starts; the
 * language files load lazily and only once something subscribes to them, so
 * at that moment the translation API is not ready for any language but
 * English. Hence: the translation API when it is ready (English, with any
 * app-level overrides of `nav.title`, or a language already loaded), else
 * the name registered with the language (`translations/index.ts`), else
 * English. The title is fixed for the page load: after a language switch in
 * Settings it follows on the next reload (the pages themselves switch at
 * once).
 */
export function llmUsageTitle(apis: ApiHolder): string {
  const translation = apis
    .get(translationApiRef)
    ?.getTranslation(llmUsageTranslationRef);
  if (translation?.ready) {
    return translation.t('nav.title');
  }
  const language = apis.get(appLanguageApiRef)?.getLanguage().language;
  return (language && llmUsageTitleIn(language)) || LLM_USAGE_TITLE;
}
