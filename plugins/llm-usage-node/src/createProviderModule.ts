import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmUsageProvidersExtensionPoint } from './extensionPoint';
import type { LlmProvider } from './provider';

/** @public */
export interface CreateProviderModuleOptions {
  provider: LlmProvider;
  /** The backend module's id; defaults to the provider's id. */
  moduleId?: string;
}

/**
 * A backend module of the llm-usage plugin that adds one provider through
 * {@link llmUsageProvidersExtensionPoint}.
 *
 * @public
 */
export function createProviderModule(options: CreateProviderModuleOptions) {
  const { provider } = options;
  return createBackendModule({
    pluginId: 'llm-usage',
    moduleId: options.moduleId ?? provider.id,
    register(env) {
      env.registerInit({
        deps: {
          providers: llmUsageProvidersExtensionPoint,
          logger: coreServices.logger,
        },
        async init({ providers, logger }) {
          providers.addProvider(provider);
          logger.debug(`${provider.displayName} provider added`);
        },
      });
    },
  });
}
