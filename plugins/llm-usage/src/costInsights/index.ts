export {
  LlmUsageCostInsightsClient,
  LLM_COST_INSIGHTS_METRICS,
} from './LlmUsageCostInsightsClient';
export type {
  LlmCostInsightsProductOptions,
  LlmUsageCostInsightsClientOptions,
} from './LlmUsageCostInsightsClient';
