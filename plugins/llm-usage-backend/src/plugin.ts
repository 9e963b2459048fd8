import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { registerKeyActions } from './actions/registerKeyActions';
import { registerUsageActions } from './actions/registerUsageActions';
import { ProviderRegistry } from './accounts/ProviderRegistry';
import { applyDatabaseMigrations } from './database/migrations';
import { registerPermissions } from './permissions/registerPermissions';
import { ServicePrincipals } from './permissions/ServicePrincipals';
import {
  warnIfPermissionsDisabled,
  watchForAllowAllPolicy,
} from './permissions/warnIfAllAllowed';
import { llmUsageProvidersExtensionPoint } from '@llm-usage/backstage-plugin-llm-usage-node';
import { scheduleTasks } from './scheduleTasks';
import { createServices } from './services';
import { createRouters } from './service/createRouters';

/**
 * The LLM Usage backend plugin: call ingestion, hourly rollups and the usage API.
 *
 * @public
 */
export const llmUsagePlugin = createBackendPlugin({
  pluginId: 'llm-usage',
  register(env) {
    // Provider modules add their providers here before init runs.
    const providers = new ProviderRegistry();
    env.registerExtensionPoint(llmUsageProvidersExtensionPoint, {
      addProvider: provider => providers.add(provider),
    });
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        notifications: notificationService,
      },
      async init(services) {
        // Service principals get only their configured capabilities, on
        // every route and permission check of the plugin.
        const principals = ServicePrincipals.fromConfig(services.config);
        const deps = {
          ...services,
          httpAuth: principals.guardHttpAuth(services.httpAuth),
          permissions: principals.guardPermissions(
            watchForAllowAllPolicy(services.permissions, {
              config: services.config,
              userInfo: services.userInfo,
              logger: services.logger,
            }),
          ),
        };
        const { config, logger } = deps;
        const db = await applyDatabaseMigrations(deps.database);
        // Without the plugin's policy every user is an admin of it: said at
        // start-up, or at the first such grant for an allow-all policy.
        warnIfPermissionsDisabled(config, logger);
        registerPermissions(deps.permissionsRegistry, db);

        // The composition root: every store and service is built once here,
        // then handed to the tasks, the routers and the actions.
        const built = await createServices({ ...deps, db, providers });
        await scheduleTasks(deps, built);
        for (const router of await createRouters(
          { ...deps, providers },
          built,
        )) {
          deps.httpRouter.use(router);
        }
        registerUsageActions({
          actionsRegistry: deps.actionsRegistry,
          visibility: built.visibility,
          reports: built.reports,
        });
        registerKeyActions({
          actionsRegistry: deps.actionsRegistry,
          keys: built.keyStore,
          authorizer: built.authorizer,
        });
      },
    });
  },
});
