import { createProviderModule } from '@llm-usage/backstage-plugin-llm-usage-node';
import { openRouterProvider } from './provider';

/**
 * Adds OpenRouter to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageModuleOpenRouter = createProviderModule({
  provider: openRouterProvider,
});
