import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createLlmUsageKeyCreateAction } from './actions/createKeyAction';
import { createLlmUsageKeyRotateAction } from './actions/rotateKeyAction';

/**
 * Adds `llm-usage:key:create` and `llm-usage:key:rotate` to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleLlmUsage = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'llm-usage',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, discovery, auth, config }) {
        // The two keys the scaffolder reads for task recovery, which would
        // store step outputs (the secret) in its database.
        const taskRecoveryEnabled =
          config.getOptionalBoolean('scaffolder.taskRecovery.enabled') ??
          config.getOptionalBoolean('scaffolder.EXPERIMENTAL_recoverTasks') ??
          false;
        const options = { discovery, auth, taskRecoveryEnabled };
        scaffolder.addActions(
          createLlmUsageKeyCreateAction(options),
          createLlmUsageKeyRotateAction(options),
        );
      },
    });
  },
});
