export { llmUsageApiRef } from './LlmUsageApi';
export type { LlmUsageApi, LlmUsageRequestOptions } from './LlmUsageApi';
export { LlmUsageClient } from './LlmUsageClient';
