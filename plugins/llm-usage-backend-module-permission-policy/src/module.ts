import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { LlmUsagePermissionPolicy } from './LlmUsagePermissionPolicy';

/**
 * Installs {@link LlmUsagePermissionPolicy} as the permission backend's
 * policy (replacing an allow-all policy; an app has one policy).
 *
 * @public
 */
export const llmUsagePermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'llm-usage-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          LlmUsagePermissionPolicy.fromConfig(config, { userInfo }),
        );
      },
    });
  },
});
