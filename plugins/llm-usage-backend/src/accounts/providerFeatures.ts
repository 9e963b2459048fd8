import {
  type AuditorService,
  type HttpAuthService,
  type LifecycleService,
  type LoggerService,
  type PermissionsRegistryService,
  type PermissionsService,
  type RootConfigService,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import type express from 'express';
import type { Knex } from 'knex';
import { AuditLog } from '../audit/AuditLog';
import {
  seedDemoAccounts,
  seedDemoProviderUsageWhenCallsSettle,
} from '../demo/demoAccounts';
import { KeyImporter } from '../keys/KeyImporter';
import { taskSchedule } from '../lib/taskSchedule';
import { KeyService } from '../keys/KeyService';
import { KeyStore } from '../keys/KeyStore';
import { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import {
  llmUsageAccountResourceRef,
  llmUsageKeyResourceRef,
} from '../permissions/rules';
import { Reconciliation } from '../reconciliation/Reconciliation';
import { SecretBox } from '../secrets/SecretBox';
import { rotateStoredSecrets } from '../secrets/rotateStoredSecrets';
import { createAccountsRouter } from '../service/accountsRouter';
import { createKeysExportRouter } from '../service/keysExportRouter';
import { createKeysRouter } from '../service/keysRouter';
import { createKeyUsageRouter } from '../service/keyUsageRouter';
import { KeyUsageHistory } from '../keyUsage/KeyUsageHistory';
import { createSyncRunsRouter } from '../service/syncRunsRouter';
import { createTagsRouter } from '../service/tagsRouter';
import { AccountSync, type AccountSyncOptions } from '../sync/AccountSync';
import { ProviderDataStore } from '../sync/ProviderDataStore';
import { SyncRunStore } from '../sync/SyncRunStore';
import { TagStore } from '../tags/TagStore';
import { AccountService } from './AccountService';
import { AccountStore } from './AccountStore';
import type { ProviderRegistry } from './ProviderRegistry';
import { readConfigAccounts } from './configAccounts';
import { readAllowedBaseUrls } from './credentialDestination';

export const PROVIDER_SYNC_TASK_ID = 'llm-usage-provider-sync';

export interface ProviderFeaturesOptions {
  db: Knex;
  registry: ProviderRegistry;
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  /** Told after every account sync, e.g. to evaluate alerts. */
  onSynced?: AccountSyncOptions['onSynced'];
}

/**
 * Provider accounts, the key inventory, tags, scheduled sync and
 * reconciliation: builds their services, schedules the sync and returns
 * the routers for the plugin to mount.
 */
export async function createProviderFeatures(
  options: ProviderFeaturesOptions,
): Promise<express.Router[]> {
  const { db, config, logger, scheduler, registry } = options;
  // Throws in production without a key of the operator's own: the backend
  // does not start rather than encrypt with the published development key.
  const secrets = SecretBox.fromConfig(config);
  if (secrets.rotating) {
    await rotateStoredSecrets(db, secrets, logger);
  }
  const accountStore = new AccountStore(db);
  const configAccounts = readConfigAccounts(config);
  await accountStore.syncFromConfig(configAccounts.map(entry => entry.account));
  for (const { account } of configAccounts) {
    if (!registry.has(account.provider)) {
      logger.warn(
        `llmUsage.accounts: account ${account.id} uses provider '${account.provider}', which no installed module provides; it is not synced`,
      );
    }
  }

  const audit = new AuditLog(db, options.auditor, logger);
  const authorizer = new LlmUsageAuthorizer(options.permissions, {
    keys: options.permissionsRegistry.getPermissionRuleset(
      llmUsageKeyResourceRef,
    ),
    accounts: options.permissionsRegistry.getPermissionRuleset(
      llmUsageAccountResourceRef,
    ),
  });
  const data = new ProviderDataStore(db);
  const keys = new KeyStore(db);
  const tags = new TagStore(db);
  const runs = new SyncRunStore(db);
  const timeoutMs = config.getOptionalNumber('llmUsage.sync.timeoutMs');
  const accounts = new AccountService({
    store: accountStore,
    data,
    registry,
    secrets,
    configCredentials: new Map(
      configAccounts.map(entry => [entry.account.id, entry.credentials]),
    ),
    audit,
    authorizer,
    logger,
    clientContext: timeoutMs ? { http: { timeoutMs } } : undefined,
    allowedBaseUrls: readAllowedBaseUrls(config),
  });
  const sync = new AccountSync({
    db,
    accounts,
    accountStore,
    keys,
    data,
    runs,
    logger,
    initialUsageDays: config.getOptionalNumber('llmUsage.sync.initialDays'),
    incrementalUsageDays: config.getOptionalNumber(
      'llmUsage.sync.incrementalDays',
    ),
    onSynced: options.onSynced,
  });
  const keyService = new KeyService({
    keys,
    tags,
    accounts,
    accountStore,
    data,
    secrets,
    audit,
    authorizer,
    logger,
  });

  // One global task looks for due accounts: each account keeps its own
  // usage and key frequencies, accounts added through the API are picked up
  // without re-scheduling, and only one instance syncs at a time.
  await scheduler.scheduleTask({
    id: PROVIDER_SYNC_TASK_ID,
    scope: 'global',
    ...taskSchedule(config, 'llmUsage.sync.schedule', {
      frequency: { minutes: 5 },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 30 },
    }),
    fn: async () => {
      await sync.syncDue();
    },
  });

  if (config.getOptionalBoolean('llmUsage.demoData.enabled')) {
    options.lifecycle.addStartupHook(() => {
      // In the background, like the demo calls it derives usage from.
      seedDemoAccounts(db)
        .then(created =>
          created
            ? seedDemoProviderUsageWhenCallsSettle(db, logger)
            : undefined,
        )
        .catch(error =>
          logger.error('Demo provider accounts could not be created', error),
        );
    });
  }

  return [
    await createAccountsRouter({
      httpAuth: options.httpAuth,
      registry,
      accounts,
      accountStore,
      sync,
      reconciliation: new Reconciliation(db),
      authorizer,
      audit,
    }),
    await createSyncRunsRouter({ httpAuth: options.httpAuth, runs, accounts }),
    // Before the keys router, which would take `export` for a key id.
    await createKeysExportRouter({
      httpAuth: options.httpAuth,
      permissions: options.permissions,
      keys: keyService,
      logger,
      audit,
    }),
    await createKeyUsageRouter({
      httpAuth: options.httpAuth,
      keys: keyService,
      history: new KeyUsageHistory(db),
    }),
    await createKeysRouter({
      httpAuth: options.httpAuth,
      keys: keyService,
      importer: new KeyImporter({
        keys,
        keyService,
        tags,
        accounts,
        logger,
      }),
    }),
    await createTagsRouter({
      httpAuth: options.httpAuth,
      permissions: options.permissions,
      authorizer,
      tags,
      keys,
      audit,
    }),
  ];
}
