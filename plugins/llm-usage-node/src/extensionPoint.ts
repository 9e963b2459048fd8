import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { LlmProvider } from './provider';

/** @public */
export interface LlmUsageProvidersExtensionPoint {
  addProvider(provider: LlmProvider): void;
}

/**
 * Lets a backend module add an LLM provider to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageProvidersExtensionPoint =
  createExtensionPoint<LlmUsageProvidersExtensionPoint>({
    id: 'llm-usage.providers',
  });
