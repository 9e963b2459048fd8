import { createProviderModule } from '@llm-usage/backstage-plugin-llm-usage-node';
import { anthropicProvider } from './provider';

/**
 * Adds Anthropic to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageModuleAnthropic = createProviderModule({
  provider: anthropicProvider,
});
