/**
 * The LLM Usage plugin for the new frontend system.
 *
 * @packageDocumentation
 */
export { default } from './alpha/plugin';
export {
  llmUsageApi,
  llmUsageEntityCard,
  llmUsageEntityContent,
  llmUsagePage,
  llmUsageRootRouteRef,
} from './alpha/plugin';
export { llmUsageTranslationRef } from './translation';
export { llmUsageTranslations, LLM_USAGE_LANGUAGES } from './translations';
