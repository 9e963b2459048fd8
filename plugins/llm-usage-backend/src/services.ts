import type {
  AuditorService,
  AuthService,
  LifecycleService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { Knex } from 'knex';
import { AccountService } from './accounts/AccountService';
import { DatabaseAccountStore } from './accounts/DatabaseAccountStore';
import type { ProviderRegistry } from './accounts/ProviderRegistry';
import { readConfigAccounts } from './accounts/configAccounts';
import { readAllowedBaseUrls } from './accounts/credentialDestination';
import {
  AlertEvaluator,
  type ProjectUsageReader,
} from './alerts/AlertEvaluator';
import { OwnerAlertRuleGuard } from './alerts/AlertRuleGuard';
import { DatabaseAlertRuleStore } from './alerts/DatabaseAlertRuleStore';
import { AlertService } from './alerts/AlertService';
import { DatabaseAlertStore } from './alerts/DatabaseAlertStore';
import { KeyFacts, accountReader, type MonthUsage } from './alerts/facts';
import { DatabaseAuditEventStore } from './audit/DatabaseAuditEventStore';
import { AuditLog } from './audit/AuditLog';
import {
  AuditRetention,
  DEFAULT_AUDIT_RETENTION_DAYS,
} from './audit/AuditRetention';
import { BudgetService } from './budgets/BudgetService';
import { DatabaseBudgetStore } from './budgets/DatabaseBudgetStore';
import { CallerResolver } from './budgets/Caller';
import { seedDemoBudgets } from './budgets/demoBudgets';
import { UsageQueries } from './usage/UsageQueries';
import { DatabaseDigestPreferenceStore } from './digests/DatabaseDigestPreferenceStore';
import { DigestService } from './digests/DigestService';
import { MemberKeySpend } from './groups/MemberKeySpend';
import { KeyImporter } from './keys/KeyImporter';
import { AuthorizedKeyService } from './keys/AuthorizedKeyService';
import { KeyInventory } from './keys/KeyInventory';
import { KeyProviderOperations } from './keys/KeyProviderOperations';
import type { KeyService } from './keys/KeyService';
import { KeyMapping } from './keys/keyMapping';
import { DatabaseKeyStore } from './keys/DatabaseKeyStore';
import { KeyUsageHistory } from './keyUsage/KeyUsageHistory';
import { AlertDelivery } from './notifications/AlertDelivery';
import { WebhookDispatcher } from './notifications/WebhookDispatcher';
import { LlmUsageAuthorizer } from './permissions/LlmUsageAuthorizer';
import {
  llmUsageAccountResourceRef,
  llmUsageKeyResourceRef,
} from './permissions/rules';
import { ProviderLedger } from './quota/ProviderLedger';
import { QuotaService } from './quota/QuotaService';
import { Reconciliation } from './reconciliation/Reconciliation';
import { UsageReports } from './reports/UsageReports';
import { CallRollup } from './rollup/CallRollup';
import { RawCallRetention } from './retention/RawCallRetention';
import { DatabaseRollupStore } from './rollup/DatabaseRollupStore';
import { SecretBox } from './secrets/SecretBox';
import { rotateStoredSecrets } from './secrets/rotateStoredSecrets';
import { CallSignals, SignallingCallStore } from './signals/CallSignals';
import { DatabaseCallStore } from './database/DatabaseCallStore';
import { CallRepricer } from './pricing/CallRepricer';
import { DatabasePriceStore } from './pricing/DatabasePriceStore';
import { PriceBook } from './pricing/PriceBook';
import { PricingCallStore } from './pricing/PricingCallStore';
import { AccountSync } from './sync/AccountSync';
import { DatabaseProviderDataStore } from './sync/DatabaseProviderDataStore';
import { DatabaseSyncRunStore } from './sync/DatabaseSyncRunStore';
import { DatabaseTagStore } from './tags/DatabaseTagStore';
import { DatabaseLanguagePreferenceStore } from './i18n/DatabaseLanguagePreferenceStore';
import { RecipientLanguages } from './i18n/RecipientLanguages';
import { UsageService } from './usage/UsageService';
import { ProviderUsageReader } from './providerUsage/ProviderUsageReader';
import { ProviderUsageService } from './providerUsage/ProviderUsageService';
import { UsageSources } from './providerUsage/UsageSources';
import { SloBurnRateFinder } from './alerts/conditions/sloBurnRate';
import { SloService } from './slo/SloService';
import { SloSettingsStore } from './slo/SloSettingsStore';
import { ProjectDirectory } from './visibility/ProjectDirectory';
import { AnomalyReader } from './anomalies/AnomalyReader';
import { AnomalyDetector } from './anomalies/anomalyConditions';
import { KeyRotationService } from './rotation/KeyRotationService';
import { KeyRotationStore } from './rotation/KeyRotationStore';
import { KeyUseReader } from './rotation/KeyUseReader';
import { rotationDueConditions } from './rotation/rotationDue';
import { VisibilityResolver } from './visibility/VisibilityResolver';

/** What the plugin's stores and services are built from. */
export interface ServiceDeps {
  db: Knex;
  providers: ProviderRegistry;
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  auth: AuthService;
  auditor: AuditorService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** Where the key and account resource types were registered. */
  permissionsRegistry: PermissionsRegistryService;
  catalog: CatalogService;
  signals: SignalsService;
  notifications: NotificationService;
}

export type Services = Awaited<ReturnType<typeof createServices>>;

/**
 * Builds every store and service of the plugin, each exactly once, so that
 * they share one rolled-sums cache, one audit log and one authorizer.
 * Routers, tasks and actions are handed these; none builds its own.
 */
export async function createServices(deps: ServiceDeps) {
  const { db, config, logger } = deps;

  const projects = new ProjectDirectory(deps.catalog, deps.auth);
  // Every stored call signals the users who can see it.
  const callSignals = new CallSignals({
    signals: deps.signals,
    projects,
    logger,
    adminRefs: config.getOptionalStringArray('llmUsage.admins'),
  });
  deps.lifecycle.addShutdownHook(() => callSignals.flush());
  // Calls without a cost are priced from the price book before they are stored.
  const priceStore = new DatabasePriceStore(db);
  const prices = PriceBook.fromConfig(config, priceStore);
  const calls = new SignallingCallStore(
    new PricingCallStore(new DatabaseCallStore(db), prices),
    callSignals,
  );
  const rollups = new DatabaseRollupStore(db);
  const queries = new UsageQueries(db, rollups);

  const visibility = new VisibilityResolver(
    deps.auth,
    deps.permissions,
    deps.userInfo,
    projects,
  );
  const usage = new UsageService(queries, calls, projects);
  const reports = new UsageReports(queries, projects);
  const audit = new AuditLog(db, deps.auditor, logger);
  const authorizer = new LlmUsageAuthorizer(deps.permissions, {
    keys: deps.permissionsRegistry.getPermissionRuleset(llmUsageKeyResourceRef),
    accounts: deps.permissionsRegistry.getPermissionRuleset(
      llmUsageAccountResourceRef,
    ),
  });
  const callers = new CallerResolver(deps.auth, deps.userInfo, visibility);

  // Budgets, quota with runway, balance history and spend digests.
  const accountStore = new DatabaseAccountStore(db);
  const ledger = new ProviderLedger(db, accountStore);
  const budgetStore = new DatabaseBudgetStore(db);
  const budgets = new BudgetService(budgetStore, ledger, audit);
  if (config.getOptionalBoolean('llmUsage.demoData.enabled') ?? false) {
    await seedDemoBudgets(budgetStore, logger);
  }
  const quota = new QuotaService(queries, budgets, projects, ledger, {
    billingUrls: readBillingUrls(config),
    providerBillingUrl: id => deps.providers.get(id)?.billingUrl,
  });
  const preferences = new DatabaseDigestPreferenceStore(db);
  // The language each person reads backend texts in.
  const languagePreferences = new DatabaseLanguagePreferenceStore(db);
  const languages = RecipientLanguages.fromConfig(config, languagePreferences);
  const digests = new DigestService(
    queries,
    projects,
    ledger,
    preferences,
    deps.notifications,
    logger,
    { languages },
  );
  const rawCallsDays = config.getOptionalNumber(
    'llmUsage.retention.rawCallsDays',
  );
  if (rawCallsDays !== undefined && !(rawCallsDays >= 1)) {
    throw new Error(
      `llmUsage.retention.rawCallsDays must be at least 1, got ${rawCallsDays}`,
    );
  }
  const rawCallRetention =
    rawCallsDays === undefined
      ? undefined
      : new RawCallRetention(db, rawCallsDays, logger);
  const auditEvents = new DatabaseAuditEventStore(db);
  const auditRetention = new AuditRetention(
    db,
    config.getOptionalNumber('llmUsage.audit.retentionDays') ??
      DEFAULT_AUDIT_RETENTION_DAYS,
    logger,
  );

  // Alert rules, evaluation and delivery in-app, through Backstage
  // notifications and to webhooks.
  const alertStore = new DatabaseAlertStore(db);
  const alertRules = new DatabaseAlertRuleStore(db);
  const keyFacts = new KeyFacts(db);
  const webhooks = WebhookDispatcher.fromConfig(config, {
    log: alertStore,
    logger,
  });
  deps.lifecycle.addShutdownHook(() => webhooks.stop());
  const reconciliation = new Reconciliation(db, {
    tolerancePercent: readTolerancePercent(config),
  });
  // SLOs per project, judged from the hourly rollups.
  const sloSettings = new SloSettingsStore(db);
  const slo = new SloService({
    queries,
    rollups,
    projects,
    settings: sloSettings,
  });
  const rotationStore = new KeyRotationStore(db);
  const evaluator = new AlertEvaluator({
    sloBurnRates: new SloBurnRateFinder(slo, projects),
    alerts: alertStore,
    rules: alertRules,
    keys: keyFacts,
    accounts: accountReader(accountStore, ledger),
    budgets: {
      standings: async now => quota.standings(await budgetStore.list(), now),
    },
    projectUsage: projectUsageFrom(queries),
    projects,
    rollups,
    reconciliation,
    anomalies: new AnomalyDetector({
      reader: new AnomalyReader(db),
      projectOf: id => projects.entityOf(id),
      windowHours: config.getOptionalNumber('llmUsage.anomalies.windowHours'),
      leakedKeyDays: config.getOptionalNumber(
        'llmUsage.anomalies.leakedKeyDays',
      ),
    }),
    rotations: {
      conditions: async context =>
        rotationDueConditions(await rotationStore.policies(), context),
    },
    delivery: new AlertDelivery({
      alerts: alertStore,
      webhooks,
      logger,
      notifications: deps.notifications,
      fallbackRecipients: config.getOptionalStringArray('llmUsage.admins'),
      languages,
    }),
    logger,
  });
  // Finish a running evaluation before the database goes away.
  deps.lifecycle.addShutdownHook(() => evaluator.idle());
  // A run that met or cleared failed hours opens or resolves the rollup
  // alert without waiting for the hourly evaluation.
  const detailDays = config.getOptionalNumber('llmUsage.rollup.detailDays');
  if (
    detailDays !== undefined &&
    !(Number.isInteger(detailDays) && detailDays >= 1)
  ) {
    throw new Error(
      `llmUsage.rollup.detailDays must be a whole number of at least 1, got ${detailDays}`,
    );
  }
  const rollup = new CallRollup(
    rollups,
    logger,
    undefined,
    () => evaluator.evaluateSoon(),
    { detailDays, rawCallsDays },
  );
  const alerts = new AlertService({
    alerts: alertStore,
    rules: alertRules,
    audit,
    // Account and key rules follow the account and key permissions.
    guard: new OwnerAlertRuleGuard(
      {
        account: id => ledger.ownerOf(id),
        key: id => keyFacts.ownerOfKey(id),
      },
      authorizer,
      {
        project: async (credentials, id) => {
          const scope = await visibility.scopeFor(credentials);
          return scope.kind === 'all' || scope.projectIds.includes(id);
        },
        budget: async (credentials, id) =>
          budgets.get(await callers.resolve(credentials), id).then(
            () => true,
            () => false,
          ),
      },
    ),
    evaluation: evaluator,
  });

  // Provider accounts, the key inventory, tags, sync and reconciliation.
  // Throws in production without a key of the operator's own: the backend
  // does not start rather than encrypt with the published development key.
  const secrets = SecretBox.fromConfig(config);
  if (secrets.rotating) {
    await rotateStoredSecrets(db, secrets, logger);
  }
  const configAccounts = readConfigAccounts(config);
  await accountStore.syncFromConfig(configAccounts.map(entry => entry.account));
  for (const { account } of configAccounts) {
    if (!deps.providers.has(account.provider)) {
      logger.warn(
        `llmUsage.accounts: account ${account.id} uses provider '${account.provider}', which no installed module provides; it is not synced`,
      );
    }
  }
  const providerData = new DatabaseProviderDataStore(db);
  const keyStore = new DatabaseKeyStore(db);
  const tags = new DatabaseTagStore(db);
  const syncRuns = new DatabaseSyncRunStore(db);
  const timeoutMs = config.getOptionalNumber('llmUsage.sync.timeoutMs');
  const accounts = new AccountService({
    store: accountStore,
    data: providerData,
    registry: deps.providers,
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
    keys: keyStore,
    data: providerData,
    runs: syncRuns,
    logger,
    initialUsageDays: config.getOptionalNumber('llmUsage.sync.initialDays'),
    incrementalUsageDays: config.getOptionalNumber(
      'llmUsage.sync.incrementalDays',
    ),
    // Alerts are evaluated after every account sync.
    onSynced: () => evaluator.evaluateSoon(),
  });
  // Permissions are checked in the wrapper; the inventory trusts its caller.
  const keyOperations = new KeyProviderOperations(accounts);
  const keyInventory = new KeyInventory({
    keys: keyStore,
    tags,
    operations: keyOperations,
    mapping: new KeyMapping({
      keys: keyStore,
      accountStore,
      data: providerData,
      operations: keyOperations,
    }),
    secrets,
    audit,
  });
  const keys: KeyService = new AuthorizedKeyService({
    inventory: keyInventory,
    operations: keyOperations,
    accounts,
    authorizer,
    logger,
  });
  const keyImporter = new KeyImporter({
    keys: keyStore,
    keyService: keys,
    tags,
    accounts,
    logger,
  });

  return {
    db,
    projects,
    calls,
    priceStore,
    prices,
    repricer: new CallRepricer(db, prices),
    rollups,
    rollup,
    queries,
    visibility,
    usage,
    reports,
    audit,
    authorizer,
    callers,
    accountStore,
    ledger,
    budgets,
    quota,
    preferences,
    languagePreferences,
    recipientLanguages: languages,
    digests,
    auditEvents,
    auditRetention,
    rawCallRetention,
    evaluator,
    alerts,
    accounts,
    sync,
    syncRuns,
    keyStore,
    keys,
    keyImporter,
    tags,
    reconciliation,
    keyUsageHistory: new KeyUsageHistory(db),
    rotation: new KeyRotationService({
      store: rotationStore,
      keys,
      inventory: keyInventory,
      accounts,
      use: new KeyUseReader(db),
      audit,
      serviceCredentials: () => deps.auth.getOwnServiceCredentials(),
      logger,
      quietHours: config.getOptionalNumber('llmUsage.rotation.quietHours'),
    }),
    // The usage views from recorded calls or provider reports.
    usageSources: new UsageSources({
      visibility,
      authorizer,
      calls: usage,
      provider: new ProviderUsageService(new ProviderUsageReader(db), prices),
      projects,
    }),
    slo,
    sloSettings,
    memberSpend: new MemberKeySpend(db),
  };
}

/** Month usage per project from the rollups, tokens in and out together. */
function projectUsageFrom(queries: UsageQueries): ProjectUsageReader {
  return {
    async monthUsage(from, to) {
      const groups = await queries.aggregate({
        scope: { kind: 'all' },
        from,
        to,
        groupBy: ['project'],
      });
      const byProject = new Map<string, MonthUsage>();
      for (const group of groups) {
        const { inputTokens, outputTokens } = group.usage.counters;
        byProject.set(group.dimensions.project ?? '', {
          tokens: inputTokens + outputTokens,
          costs: group.usage.costs,
        });
      }
      return byProject;
    },
  };
}

/** `llmUsage.reconciliation.tolerancePercent`, refused when not a percentage. */
function readTolerancePercent(config: RootConfigService): number | undefined {
  const key = 'llmUsage.reconciliation.tolerancePercent';
  const value = config.getOptionalNumber(key);
  if (value !== undefined && !(value >= 0 && value <= 1000)) {
    throw new Error(`${key} must be a percentage from 0 to 1000, not ${value}`);
  }
  return value;
}

/** `llmUsage.quota.billingUrls.<provider>`: top-up pages per provider. */
function readBillingUrls(config: RootConfigService): Record<string, string> {
  const section = config.getOptionalConfig('llmUsage.quota.billingUrls');
  if (!section) return {};
  return Object.fromEntries(
    section.keys().map(provider => [provider, section.getString(provider)]),
  );
}
