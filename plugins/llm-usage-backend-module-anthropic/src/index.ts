/**
 * The Anthropic provider for LLM Usage: key inventory with enable/disable,
 * usage and costs from the Anthropic Admin API.
 *
 * @packageDocumentation
 */
export { llmUsageModuleAnthropic as default } from './module';
export { anthropicProvider } from './provider';
export { AnthropicClient, ANTHROPIC_DEFAULT_BASE_URL } from './AnthropicClient';
export type { AnthropicClientOptions } from './AnthropicClient';
