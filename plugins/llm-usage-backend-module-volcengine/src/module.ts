import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmUsageProvidersExtensionPoint } from '@llm-usage/backstage-plugin-llm-usage-node';
import { volcengineProvider } from './provider';

/**
 * Adds Volcengine to the llm-usage plugin.
 *
 * @public
 */
export const llmUsageModuleVolcengine = createBackendModule({
  pluginId: 'llm-usage',
  moduleId: 'volcengine',
  register(env) {
    env.registerInit({
      deps: {
        providers: llmUsageProvidersExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ providers, logger }) {
        providers.addProvider(volcengineProvider);
        logger.debug('Volcengine provider added');
      },
    });
  },
});
