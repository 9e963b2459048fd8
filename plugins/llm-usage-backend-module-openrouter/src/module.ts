import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmUsageProvidersExtensionPoint } from '@llm-usage/backstage-plugin-llm-usage-node';
import { openRouterProvider } from './provider';

/**
 * Adds OpenRouter to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageModuleOpenRouter = createBackendModule({
  pluginId: 'llm-usage',
  moduleId: 'openrouter',
  register(env) {
    env.registerInit({
      deps: {
        providers: llmUsageProvidersExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ providers, logger }) {
        providers.addProvider(openRouterProvider);
        logger.debug('OpenRouter provider added');
      },
    });
  },
});
