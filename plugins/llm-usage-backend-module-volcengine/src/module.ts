import { createProviderModule } from '@llm-usage/backstage-plugin-llm-usage-node';
import { volcengineProvider } from './provider';

/**
 * Adds Volcengine to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageModuleVolcengine = createProviderModule({
  provider: volcengineProvider,
});
