import { createTranslationResource } from '@backstage/frontend-plugin-api';
import { llmUsageTranslationRef } from '../translation';

/**
 * Translations of the LLM Usage plugin beyond the built-in English.
 * Register it in the app (a `TranslationBlueprint` in the new frontend system,
 * `__experimentalTranslations.resources` in a legacy app).
 *
 * @public
 */
export const llmUsageTranslations = createTranslationResource({
  ref: llmUsageTranslationRef,
  translations: {
    zh: () => import('./zh'),
  },
});
