/**
 * Annotation on a catalog Component naming the project id(s) its calls are
 * reported under; several ids are separated by commas.
 *
 * @public
 */
export const LLM_USAGE_PROJECT_ID_ANNOTATION = 'llm-usage.io/project-id';

/** @public */
export const CALL_TYPES = [
  'chat',
  'completion',
  'embedding',
  'image',
  'audio',
  'other',
] as const;

/** @public */
export const CALL_STATUSES = ['success', 'failed', 'processing'] as const;

/** @public */
export const TREND_INTERVALS = ['hour', 'day', 'week', 'month'] as const;

/** @public */
export const TREND_SPLITS = ['none', 'provider', 'model'] as const;

/** Where usage figures come from. @public */
export const USAGE_SOURCES = ['calls', 'provider'] as const;

/** @public */
export const PROJECT_SORT_FIELDS = [
  'calls',
  'cost',
  'tokens',
  'successRate',
  'p95Latency',
  'lastCall',
  'projectId',
] as const;

/** @public */
export const CALL_SORT_FIELDS = ['time', 'latency'] as const;
