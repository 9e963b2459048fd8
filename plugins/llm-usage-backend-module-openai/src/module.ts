import { createProviderModule } from '@llm-usage/backstage-plugin-llm-usage-node';
import { openAiProvider } from './provider';

/**
 * Adds OpenAI to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageModuleOpenAi = createProviderModule({
  provider: openAiProvider,
});
