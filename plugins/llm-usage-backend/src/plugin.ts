import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { registerKeyActions } from './actions/registerKeyActions';
import { registerUsageActions } from './actions/registerUsageActions';
import { createAlertFeatures } from './alerts/alertFeatures';
import { AuditLog } from './audit/AuditLog';
import { RollupStore } from './database/RollupStore';
import { UsageQueries } from './database/UsageQueries';
import { applyDatabaseMigrations } from './database/migrations';
import { registerPermissions } from './permissions/registerPermissions';
import { ServicePrincipals } from './permissions/ServicePrincipals';
import {
  warnIfPermissionsDisabled,
  watchForAllowAllPolicy,
} from './permissions/warnIfAllAllowed';
import { ProviderRegistry } from './accounts/ProviderRegistry';
import { createProviderFeatures } from './accounts/providerFeatures';
import { llmUsageProvidersExtensionPoint } from '@llm-usage/backstage-plugin-llm-usage-node';
import { loadDemoData } from './demo/loadDemoData';
import { KeyStore } from './keys/KeyStore';
import {
  LlmUsageAuthorizer,
  llmUsageAccountResourceRef,
  llmUsageKeyResourceRef,
} from './permissions';
import { readLiteLlmMapping } from './ingest/litellm/liteLlmMapping';
import { readOtlpMapping } from './ingest/otlp/otlpMapping';
import { UsageReports } from './reports/UsageReports';
import { createQuotaFeatures } from './quota/quotaFeatures';
import { CallRollup } from './rollup/CallRollup';
import { createExportRouter } from './service/exportRouter';
import { createAdaptersRouter } from './service/adaptersRouter';
import { createDailyCostsRouter } from './service/dailyCostsRouter';
import { createGroupsRouter } from './service/groupsRouter';
import { MemberKeySpend } from './groups/MemberKeySpend';
import { createRouter } from './service/router';
import { rejectNulCharacters } from './service/rejectNulCharacters';
import { CallSignals, SignallingCallStore } from './signals/CallSignals';
import { UsageService } from './usage/UsageService';
import { ProjectDirectory } from './visibility/ProjectDirectory';
import { VisibilityResolver } from './visibility/VisibilityResolver';

const ROLLUP_TASK_ID = 'llm-usage-hourly-rollup';

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
        const { config, logger, scheduler } = deps;
        const db = await applyDatabaseMigrations(deps.database);
        const projects = new ProjectDirectory(deps.catalog, deps.auth);
        // Every stored call signals the users who can see it.
        const callSignals = new CallSignals({
          signals: deps.signals,
          projects,
          logger,
          adminRefs: config.getOptionalStringArray('llmUsage.admins'),
        });
        deps.lifecycle.addShutdownHook(() => callSignals.flush());
        // Without the plugin's policy every user is an admin of it: said at
        // start-up, or at the first such grant for an allow-all policy.
        warnIfPermissionsDisabled(config, logger);
        const calls = new SignallingCallStore(db, callSignals);
        const rollups = new RollupStore(db);
        const rollup = new CallRollup(rollups, logger);

        registerPermissions(deps.permissionsRegistry, db);

        await scheduler.scheduleTask({
          id: ROLLUP_TASK_ID,
          scope: 'global',
          ...(config.has('llmUsage.rollup.schedule')
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                config.getConfig('llmUsage.rollup.schedule'),
              )
            : {
                frequency: { hours: 1 },
                timeout: { minutes: 30 },
                initialDelay: { seconds: 10 },
              }),
          fn: async () => {
            await rollup.run();
          },
        });

        const demoDataEnabled =
          config.getOptionalBoolean('llmUsage.demoData.enabled') ?? false;
        if (demoDataEnabled) {
          // In the background: the backend serves (raw) reads while it fills.
          deps.lifecycle.addStartupHook(() => {
            loadDemoData({
              db,
              calls,
              logger,
              days: config.getOptionalNumber('llmUsage.demoData.days') ?? 30,
              callsPerDay:
                config.getOptionalNumber('llmUsage.demoData.callsPerDay') ??
                6700,
            })
              .then(stored =>
                stored > 0 ? scheduler.triggerTask(ROLLUP_TASK_ID) : undefined,
              )
              .catch(error =>
                logger.error('Demo data generation failed', error),
              );
          });
        }

        const visibility = new VisibilityResolver(
          deps.auth,
          deps.permissions,
          deps.userInfo,
          projects,
        );
        const usage = new UsageService(
          new UsageQueries(db, rollups),
          calls,
          projects,
        );
        const maxBatchSize =
          config.getOptionalNumber('llmUsage.ingest.maxBatchSize') ?? 1000;
        deps.httpRouter.use(rejectNulCharacters);
        // Before the main router, whose JSON parser would refuse LiteLLM's NDJSON.
        deps.httpRouter.use(
          await createAdaptersRouter({
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            logger,
            calls,
            maxBatchSize,
            litellm: readLiteLlmMapping(
              config.getOptionalConfig('llmUsage.ingest.litellm'),
            ),
            otlp: readOtlpMapping(
              config.getOptionalConfig('llmUsage.ingest.otlp'),
            ),
          }),
        );
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            visibility,
            usage,
            calls,
            rollups,
            maxBatchSize:
              config.getOptionalNumber('llmUsage.ingest.maxBatchSize') ?? 1000,
            demoDataEnabled,
          }),
        );
        deps.httpRouter.use(
          await createExportRouter({
            httpAuth: deps.httpAuth,
            visibility,
            usage,
            logger,
            audit: new AuditLog(db, deps.auditor, logger),
          }),
        );
        // Budgets, quota, balance history, spend digests and the audit trail.
        for (const router of await createQuotaFeatures({
          ...deps,
          db,
          projects,
          visibility,
          queries: new UsageQueries(db, rollups),
        })) {
          deps.httpRouter.use(router);
        }
        // Alert rules, evaluation (hourly and after each sync) and delivery.
        const alerting = await createAlertFeatures({
          ...deps,
          db,
          projects,
          visibility,
          queries: new UsageQueries(db, rollups),
        });
        deps.httpRouter.use(alerting.router);
        for (const router of await createProviderFeatures({
          ...deps,
          db,
          registry: providers,
          onSynced: () => alerting.evaluator.evaluateSoon(),
        })) {
          deps.httpRouter.use(router);
        }
        const reports = new UsageReports(
          new UsageQueries(db, rollups),
          projects,
        );
        deps.httpRouter.use(
          await createDailyCostsRouter({
            httpAuth: deps.httpAuth,
            visibility,
            reports,
          }),
        );
        // A Group's projects and its members' spend, summed on the server.
        deps.httpRouter.use(
          await createGroupsRouter({
            httpAuth: deps.httpAuth,
            catalog: deps.catalog,
            projects,
            visibility,
            usage,
            memberSpend: new MemberKeySpend(db),
            authorizer: new LlmUsageAuthorizer(deps.permissions, {
              keys: deps.permissionsRegistry.getPermissionRuleset(
                llmUsageKeyResourceRef,
              ),
              accounts: deps.permissionsRegistry.getPermissionRuleset(
                llmUsageAccountResourceRef,
              ),
            }),
          }),
        );
        registerUsageActions({
          actionsRegistry: deps.actionsRegistry,
          visibility,
          reports,
        });
        registerKeyActions({
          actionsRegistry: deps.actionsRegistry,
          keys: new KeyStore(db),
          authorizer: new LlmUsageAuthorizer(deps.permissions, {
            keys: deps.permissionsRegistry.getPermissionRuleset(
              llmUsageKeyResourceRef,
            ),
            accounts: deps.permissionsRegistry.getPermissionRuleset(
              llmUsageAccountResourceRef,
            ),
          }),
        });
      },
    });
  },
});
