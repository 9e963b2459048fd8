/**
 * Frontend plugin for LLM Usage: dashboards of calls, tokens, cost and latency
 * across LLM providers, per project.
 *
 * @packageDocumentation
 */
export {
  llmUsagePlugin,
  LlmUsagePage,
  EntityLlmUsageContent,
  EntityLlmUsageCard,
} from './plugin';
export {
  isLlmUsageAvailable,
  projectIdsOf,
} from './components/entity/entityPredicates';
export { llmUsageApiRef, LlmUsageClient } from './api';
export type { LlmUsageApi, LlmUsageRequestOptions } from './api';
export { llmUsageTranslationRef } from './translation';
export { llmUsageTranslations, LLM_USAGE_LANGUAGES } from './translations';
export {
  LlmUsageCostInsightsClient,
  LLM_COST_INSIGHTS_METRICS,
} from './costInsights';
export type {
  LlmCostInsightsProductOptions,
  LlmUsageCostInsightsClientOptions,
} from './costInsights';
export { LlmUsageAlertsBadge } from './components/alerts/LlmUsageAlertsBadge';
export { useUnreadAlertCount } from './hooks/alerts';
export type { PolledQueryState } from './hooks/usePolledQuery';
