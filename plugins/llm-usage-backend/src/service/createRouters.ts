import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type express from 'express';
import type { ProviderRegistry } from '../accounts/ProviderRegistry';
import { readLiteLlmMapping } from '../ingest/litellm/liteLlmMapping';
import { readOtlpMapping } from '../ingest/otlp/otlpMapping';
import type { Services } from '../services';
import { createAccountsRouter } from './accountsRouter';
import { createAdaptersRouter } from './adaptersRouter';
import { createAlertsRouter } from './alertsRouter';
import { createAuditRouter } from './auditRouter';
import { createBudgetsRouter } from './budgetsRouter';
import { createDailyCostsRouter } from './dailyCostsRouter';
import { createDigestsRouter } from './digestsRouter';
import { createExportRouter } from './exportRouter';
import { createEntityUsageRouter } from './entityUsageRouter';
import { createGroupsRouter } from './groupsRouter';
import { createKeysExportRouter } from './keysExportRouter';
import { createKeysRouter } from './keysRouter';
import { createKeyUsageRouter } from './keyUsageRouter';
import { createPricesRouter } from './pricesRouter';
import { createQuotaRouter } from './quotaRouter';
import { rejectNulCharacters } from './rejectNulCharacters';
import { createRotationRouter } from './rotationRouter';
import { createRouter } from './router';
import { createSloRouter } from './sloRouter';
import { createSyncRunsRouter } from './syncRunsRouter';
import { createTagsRouter } from './tagsRouter';

export interface RouterDeps {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  permissions: PermissionsService;
  catalog: CatalogService;
  providers: ProviderRegistry;
}

function authenticateFirst(httpAuth: HttpAuthService): express.RequestHandler {
  return (req, _res, next) => {
    httpAuth.credentials(req).then(() => next(), next);
  };
}

/** Every router of the plugin, in the order they are mounted. */
export async function createRouters(
  deps: RouterDeps,
  services: Services,
): Promise<express.RequestHandler[]> {
  const { config, logger, httpAuth } = deps;
  const s = services;
  const demoDataEnabled =
    config.getOptionalBoolean('llmUsage.demoData.enabled') ?? false;
  const maxBatchSize =
    config.getOptionalNumber('llmUsage.ingest.maxBatchSize') ?? 1000;
  const viewerOf = async (
    credentials: Parameters<typeof s.callers.resolve>[0],
  ) => {
    const caller = await s.callers.resolve(credentials);
    return {
      userRef: caller.actorRef,
      isAdmin: caller.isAdmin,
      ownershipRefs: caller.ownershipRefs,
    };
  };

  // What the routers that write CSV/XLSX exports share: the export's log,
  // its audit record and its recipients' languages.
  const exporting = {
    logger,
    audit: s.audit,
    languages: s.recipientLanguages,
  };

  return [
    rejectNulCharacters,
    // Before the main router, whose JSON parser would refuse LiteLLM's NDJSON.
    await createAdaptersRouter({
      httpAuth,
      auditor: deps.auditor,
      logger,
      calls: s.calls,
      maxBatchSize,
      litellm: readLiteLlmMapping(
        config.getOptionalConfig('llmUsage.ingest.litellm'),
      ),
      otlp: readOtlpMapping(config.getOptionalConfig('llmUsage.ingest.otlp')),
    }),
    // Who asks before what they send: a caller the plugin refuses (a service
    // principal without the capability) is refused before the spec checks
    // its request, and learns nothing of it.
    authenticateFirst(httpAuth),
    await createRouter({
      httpAuth,
      auditor: deps.auditor,
      visibility: s.visibility,
      usage: s.usage,
      sources: s.usageSources,
      calls: s.calls,
      rollups: s.rollups,
      maxBatchSize,
      demoDataEnabled,
    }),
    await createExportRouter({
      httpAuth,
      visibility: s.visibility,
      usage: s.usage,
      ...exporting,
    }),
    // Budgets, quota, spend digests and the audit trail.
    await createBudgetsRouter({
      httpAuth,
      callers: s.callers,
      budgets: s.budgets,
    }),
    await createQuotaRouter({ httpAuth, callers: s.callers, quota: s.quota }),
    await createDigestsRouter({
      httpAuth,
      callers: s.callers,
      preferences: s.preferences,
      languages: s.languagePreferences,
      defaultLanguage: s.recipientLanguages.defaultLanguage,
      audit: s.audit,
    }),
    await createAuditRouter({
      httpAuth,
      callers: s.callers,
      events: s.auditEvents,
      budgets: s.budgets,
      ledger: s.ledger,
      ...exporting,
    }),
    await createAlertsRouter({ httpAuth, alerts: s.alerts, viewerOf }),
    // SLOs per project: reports for owners, settings for admins.
    await createSloRouter({
      httpAuth,
      callers: s.callers,
      projects: s.projects,
      slo: s.slo,
      settings: s.sloSettings,
      audit: s.audit,
    }),
    // The price book and re-pricing of calls (admin edits, audited).
    await createPricesRouter({
      httpAuth,
      permissions: deps.permissions,
      prices: s.prices,
      store: s.priceStore,
      repricer: s.repricer,
      audit: s.audit,
    }),
    // Provider accounts, sync runs, the key inventory and tags.
    await createAccountsRouter({
      httpAuth,
      registry: deps.providers,
      accounts: s.accounts,
      accountStore: s.accountStore,
      sync: s.sync,
      reconciliation: s.reconciliation,
      authorizer: s.authorizer,
      ...exporting,
    }),
    await createSyncRunsRouter({
      httpAuth,
      runs: s.syncRuns,
      accounts: s.accounts,
    }),
    // Before the keys router, which would take `export` for a key id.
    await createKeysExportRouter({
      httpAuth,
      permissions: deps.permissions,
      keys: s.keys,
      ...exporting,
    }),
    await createKeyUsageRouter({
      httpAuth,
      keys: s.keys,
      history: s.keyUsageHistory,
    }),
    await createKeysRouter({
      httpAuth,
      keys: s.keys,
      importer: s.keyImporter,
    }),
    await createRotationRouter({ httpAuth, rotation: s.rotation }),
    await createTagsRouter({
      httpAuth,
      permissions: deps.permissions,
      authorizer: s.authorizer,
      tags: s.tags,
      keys: s.keyStore,
      audit: s.audit,
    }),
    await createDailyCostsRouter({
      httpAuth,
      visibility: s.visibility,
      reports: s.reports,
    }),
    // A Group's projects and its members' spend, summed on the server.
    await createEntityUsageRouter({
      httpAuth,
      catalog: deps.catalog,
      sources: s.usageSources,
    }),
    await createGroupsRouter({
      httpAuth,
      catalog: deps.catalog,
      projects: s.projects,
      sources: s.usageSources,
      memberSpend: s.memberSpend,
      authorizer: s.authorizer,
    }),
  ];
}
