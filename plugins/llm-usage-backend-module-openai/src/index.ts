/**
 * The OpenAI provider for LLM Usage: key inventory, usage and costs from the
 * OpenAI Admin API.
 *
 * @packageDocumentation
 */
export { llmUsageModuleOpenAi as default } from './module';
export { openAiProvider } from './provider';
export { OpenAiClient, OPENAI_DEFAULT_BASE_URL } from './OpenAiClient';
export type { OpenAiClientOptions } from './OpenAiClient';
