import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmUsageProvidersExtensionPoint } from '@llm-usage/backstage-plugin-llm-usage-node';
import { anthropicProvider } from './provider';

/**
 * Adds Anthropic to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageModuleAnthropic = createBackendModule({
  pluginId: 'llm-usage',
  moduleId: 'anthropic',
  register(env) {
    env.registerInit({
      deps: {
        providers: llmUsageProvidersExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ providers, logger }) {
        providers.addProvider(anthropicProvider);
        logger.debug('Anthropic provider added');
      },
    });
  },
});
