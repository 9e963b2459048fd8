/**
 * Money arithmetic lives in `-common`, shared with the frontend; this module
 * only keeps the backend's imports short.
 */
export {
  CostTotals,
  formatNanos,
  parseDecimalToNanos,
  toBigInt,
} from '@llm-usage/backstage-plugin-llm-usage-common';
