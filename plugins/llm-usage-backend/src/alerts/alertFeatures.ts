import {
  type AuditorService,
  type AuthService,
  type HttpAuthService,
  type LifecycleService,
  type LoggerService,
  type PermissionsRegistryService,
  type PermissionsService,
  type RootConfigService,
  type SchedulerService,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type express from 'express';
import type { Knex } from 'knex';
import { AccountStore } from '../accounts/AccountStore';
import { AuditLog } from '../audit/AuditLog';
import { BudgetService } from '../budgets/BudgetService';
import { BudgetStore } from '../budgets/BudgetStore';
import { CallerResolver } from '../budgets/Caller';
import type { UsageQueries } from '../database/UsageQueries';
import { taskSchedule } from '../lib/taskSchedule';
import { AlertDelivery } from '../notifications/AlertDelivery';
import { WebhookDispatcher } from '../notifications/WebhookDispatcher';
import {
  LlmUsageAuthorizer,
  llmUsageAccountResourceRef,
  llmUsageKeyResourceRef,
} from '../permissions';
import { ProviderLedger } from '../quota/ProviderLedger';
import { QuotaService } from '../quota/QuotaService';
import { createAlertsRouter } from '../service/alertsRouter';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';
import { AlertEvaluator, type ProjectUsageReader } from './AlertEvaluator';
import { OwnerAlertRuleGuard } from './AlertRuleGuard';
import { AlertRuleStore } from './AlertRuleStore';
import { AlertService } from './AlertService';
import { AlertStore } from './AlertStore';
import type { FailedHoursReader } from './conditions/rollupFailed';
import { KeyFacts, accountReader, type MonthUsage } from './facts';

export const ALERT_EVALUATION_TASK_ID = 'llm-usage-alert-evaluation';

export interface AlertFeaturesOptions {
  db: Knex;
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  notifications?: NotificationService;
  visibility: VisibilityResolver;
  projects: ProjectDirectory;
  queries: UsageQueries;
  permissions: PermissionsService;
  /** Where the key and account resource types were registered. */
  permissionsRegistry: PermissionsRegistryService;
  /** The rollup's failed hours, for the rollup alert. */
  rollups?: FailedHoursReader;
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

/**
 * Alert rules, evaluation (hourly, and whenever `evaluator.evaluate()` is
 * called, e.g. after a provider sync) and delivery in-app, through Backstage
 * notifications and to webhooks. Returns the router to mount and the
 * evaluator for the sync to call.
 */
export async function createAlertFeatures(
  options: AlertFeaturesOptions,
): Promise<{ router: express.Router; evaluator: AlertEvaluator }> {
  const { db, config, logger, scheduler } = options;
  const alerts = new AlertStore(db);
  const rules = new AlertRuleStore(db);
  const keys = new KeyFacts(db);
  const ledger = new ProviderLedger(db);
  const audit = new AuditLog(db, options.auditor, logger);
  const budgetStore = new BudgetStore(db);
  const budgets = new BudgetService(budgetStore, ledger, audit);
  const quota = new QuotaService(
    options.queries,
    budgets,
    options.projects,
    ledger,
  );

  const webhooks = WebhookDispatcher.fromConfig(config, {
    log: alerts,
    logger,
  });
  options.lifecycle.addShutdownHook(() => webhooks.stop());

  const evaluator = new AlertEvaluator({
    alerts,
    rules,
    keys,
    accounts: accountReader(new AccountStore(db), ledger),
    budgets: {
      standings: async now => quota.standings(await budgetStore.list(), now),
    },
    projectUsage: projectUsageFrom(options.queries),
    projects: options.projects,
    rollups: options.rollups,
    delivery: new AlertDelivery({
      alerts,
      webhooks,
      logger,
      notifications: options.notifications,
      fallbackRecipients: config.getOptionalStringArray('llmUsage.admins'),
    }),
    logger,
  });
  // Finish a running evaluation before the database goes away.
  options.lifecycle.addShutdownHook(() => evaluator.idle());

  if (config.getOptionalBoolean('llmUsage.alerts.enabled') ?? true) {
    await scheduler.scheduleTask({
      id: ALERT_EVALUATION_TASK_ID,
      scope: 'global',
      ...taskSchedule(config, 'llmUsage.alerts.schedule', {
        frequency: { hours: 1 },
        timeout: { minutes: 15 },
        initialDelay: { minutes: 2 },
      }),
      fn: async () => {
        await evaluator.evaluate();
      },
    });
  }

  const callers = new CallerResolver(
    options.auth,
    options.userInfo,
    options.visibility,
  );
  const router = await createAlertsRouter({
    httpAuth: options.httpAuth,
    alerts: new AlertService({
      alerts,
      rules,
      audit,
      // Account and key rules follow the account and key permissions.
      guard: new OwnerAlertRuleGuard(
        { account: id => ledger.ownerOf(id), key: id => keys.ownerOfKey(id) },
        new LlmUsageAuthorizer(options.permissions, {
          keys: options.permissionsRegistry.getPermissionRuleset(
            llmUsageKeyResourceRef,
          ),
          accounts: options.permissionsRegistry.getPermissionRuleset(
            llmUsageAccountResourceRef,
          ),
        }),
        {
          project: async (credentials, id) => {
            const scope = await options.visibility.scopeFor(credentials);
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
    }),
    viewerOf: async credentials => {
      const caller = await callers.resolve(credentials);
      return {
        userRef: caller.actorRef,
        isAdmin: caller.isAdmin,
        ownershipRefs: caller.ownershipRefs,
      };
    },
  });
  return { router, evaluator };
}
