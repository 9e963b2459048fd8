/**
 * The OpenRouter provider for LLM Usage: key lifecycle, activity per key and
 * model, and credits, with a management key.
 *
 * @packageDocumentation
 */
export { llmUsageModuleOpenRouter as default } from './module';
export { openRouterProvider } from './provider';
export {
  OpenRouterClient,
  OPENROUTER_DEFAULT_BASE_URL,
} from './OpenRouterClient';
export type { OpenRouterClientOptions } from './OpenRouterClient';
