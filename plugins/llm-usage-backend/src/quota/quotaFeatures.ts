import {
  type AuditorService,
  type AuthService,
  type HttpAuthService,
  type LoggerService,
  type RootConfigService,
  type SchedulerService,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type express from 'express';
import type { Knex } from 'knex';
import { AuditEventStore } from '../audit/AuditEventStore';
import { AuditLog } from '../audit/AuditLog';
import {
  AuditRetention,
  DEFAULT_AUDIT_RETENTION_DAYS,
} from '../audit/AuditRetention';
import { BudgetService } from '../budgets/BudgetService';
import { BudgetStore } from '../budgets/BudgetStore';
import { CallerResolver } from '../budgets/Caller';
import { seedDemoBudgets } from '../budgets/demoBudgets';
import type { UsageQueries } from '../database/UsageQueries';
import { taskSchedule } from '../lib/taskSchedule';
import { DigestPreferenceStore } from '../digests/DigestPreferenceStore';
import { DigestService } from '../digests/DigestService';
import { createAuditRouter } from '../service/auditRouter';
import { createBudgetsRouter } from '../service/budgetsRouter';
import { createDigestsRouter } from '../service/digestsRouter';
import { createQuotaRouter } from '../service/quotaRouter';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';
import { ProviderLedger } from './ProviderLedger';
import { QuotaService } from './QuotaService';

export const DIGEST_TASK_ID = 'llm-usage-spend-digests';
export const AUDIT_RETENTION_TASK_ID = 'llm-usage-audit-retention';

export interface QuotaFeaturesOptions {
  db: Knex;
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  notifications: NotificationService;
  visibility: VisibilityResolver;
  projects: ProjectDirectory;
  queries: UsageQueries;
}

/**
 * Budgets, quota with runway, balance history, spend digests and the audit
 * trail's read side: builds their services, schedules their tasks and returns
 * their routers for the plugin to mount.
 */
export async function createQuotaFeatures(
  options: QuotaFeaturesOptions,
): Promise<express.Router[]> {
  const { db, config, logger, scheduler } = options;
  const audit = new AuditLog(db, options.auditor, logger);
  const callers = new CallerResolver(
    options.auth,
    options.userInfo,
    options.visibility,
  );
  const ledger = new ProviderLedger(db);
  const budgetStore = new BudgetStore(db);
  const budgets = new BudgetService(budgetStore, ledger, audit);
  if (config.getOptionalBoolean('llmUsage.demoData.enabled') ?? false) {
    await seedDemoBudgets(budgetStore, logger);
  }
  const quota = new QuotaService(
    options.queries,
    budgets,
    options.projects,
    ledger,
    {
      billingUrls: readBillingUrls(config),
    },
  );
  const preferences = new DigestPreferenceStore(db);

  if (config.getOptionalBoolean('llmUsage.digests.enabled') ?? true) {
    const digests = new DigestService(
      options.queries,
      options.projects,
      ledger,
      preferences,
      options.notifications,
      logger,
    );
    await scheduler.scheduleTask({
      id: DIGEST_TASK_ID,
      scope: 'global',
      ...taskSchedule(config, 'llmUsage.digests.schedule', {
        frequency: { hours: 1 },
        timeout: { minutes: 30 },
        initialDelay: { minutes: 5 },
      }),
      fn: async () => {
        const result = await digests.runDue();
        logger.info(
          `Spend digests: weekly ${JSON.stringify(
            result.weekly,
          )}, monthly ${JSON.stringify(result.monthly)}`,
        );
      },
    });
  }

  const retention = new AuditRetention(
    db,
    config.getOptionalNumber('llmUsage.audit.retentionDays') ??
      DEFAULT_AUDIT_RETENTION_DAYS,
    logger,
  );
  await scheduler.scheduleTask({
    id: AUDIT_RETENTION_TASK_ID,
    scope: 'global',
    ...taskSchedule(config, 'llmUsage.audit.retentionSchedule', {
      frequency: { hours: 24 },
      timeout: { minutes: 30 },
      initialDelay: { minutes: 10 },
    }),
    fn: async () => {
      await retention.run();
    },
  });

  const { httpAuth } = options;
  return Promise.all([
    createBudgetsRouter({ httpAuth, callers, budgets }),
    createQuotaRouter({ httpAuth, callers, quota }),
    createDigestsRouter({ httpAuth, callers, preferences, audit }),
    createAuditRouter({
      httpAuth,
      callers,
      events: new AuditEventStore(db),
      budgets,
      ledger,
      logger,
      audit,
    }),
  ]);
}

/** `llmUsage.quota.billingUrls.<provider>`: top-up pages per provider. */
function readBillingUrls(config: RootConfigService): Record<string, string> {
  const section = config.getOptionalConfig('llmUsage.quota.billingUrls');
  if (!section) return {};
  return Object.fromEntries(
    section.keys().map(provider => [provider, section.getString(provider)]),
  );
}
