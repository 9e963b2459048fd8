export { llmUsageApiRef } from './LlmUsageApi';
export type {
  ExportedFile,
  LlmUsageApi,
  LlmUsageRequestOptions,
  UsageExportFormat,
} from './LlmUsageApi';
export { LlmUsageClient } from './LlmUsageClient';
