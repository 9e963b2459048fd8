import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmUsageProvidersExtensionPoint } from '@llm-usage/backstage-plugin-llm-usage-node';
import { openAiProvider } from './provider';

/**
 * Adds OpenAI to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageModuleOpenAi = createBackendModule({
  pluginId: 'llm-usage',
  moduleId: 'openai',
  register(env) {
    env.registerInit({
      deps: {
        providers: llmUsageProvidersExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ providers, logger }) {
        providers.addProvider(openAiProvider);
        logger.debug('OpenAI provider added');
      },
    });
  },
});
