export { llmUsageApiRef } from './LlmUsageApi';
export type {
  ExportedFile,
  KeyUsageDay,
  KeyUsageResponse,
  LlmUsageApi,
  LlmUsageRequestOptions,
  UsageExportFormat,
} from './LlmUsageApi';
export { LlmUsageClient } from './LlmUsageClient';
