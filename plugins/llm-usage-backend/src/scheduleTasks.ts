import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  seedDemoAccounts,
  seedDemoProviderUsageWhenCallsSettle,
} from './demo/demoAccounts';
import { loadDemoData } from './demo/loadDemoData';
import { taskSchedule } from './lib/taskSchedule';
import type { Services } from './services';

export const ROLLUP_TASK_ID = 'llm-usage-hourly-rollup';
export const DIGEST_TASK_ID = 'llm-usage-spend-digests';
export const AUDIT_RETENTION_TASK_ID = 'llm-usage-audit-retention';
export const RAW_CALL_RETENTION_TASK_ID = 'llm-usage-raw-call-retention';
export const ALERT_EVALUATION_TASK_ID = 'llm-usage-alert-evaluation';
export const PROVIDER_SYNC_TASK_ID = 'llm-usage-provider-sync';
export const KEY_ROTATION_TASK_ID = 'llm-usage-key-rotation';

export interface TaskDeps {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
}

/**
 * Schedules the plugin's background work (each task global, so one
 * instance runs it at a time) and, with demo data on, fills it in.
 */
export async function scheduleTasks(deps: TaskDeps, services: Services) {
  const { config, logger, scheduler } = deps;
  const demoData =
    config.getOptionalBoolean('llmUsage.demoData.enabled') ?? false;
  const alertsEnabled =
    config.getOptionalBoolean('llmUsage.alerts.enabled') ?? true;
  // The demo's hours are evaluated as soon as they are rolled up, so its
  // injected anomaly is an alert from the start, not after the next
  // hourly evaluation.
  let evaluateAfterRollup = false;

  await scheduler.scheduleTask({
    id: ROLLUP_TASK_ID,
    scope: 'global',
    ...taskSchedule(config, 'llmUsage.rollup.schedule', {
      frequency: { hours: 1 },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 10 },
    }),
    fn: async () => {
      await services.rollup.run();
      if (evaluateAfterRollup) {
        evaluateAfterRollup = false;
        // Running already (its first run): it evaluates again within the hour.
        await scheduler
          .triggerTask(ALERT_EVALUATION_TASK_ID)
          .catch(error =>
            logger.warn(`Alert evaluation after the demo data: ${error}`),
          );
      }
    },
  });

  if (demoData) {
    // In the background: the backend serves (raw) reads while it fills.
    deps.lifecycle.addStartupHook(() => {
      loadDemoData({
        db: services.db,
        calls: services.calls,
        logger,
        days: config.getOptionalNumber('llmUsage.demoData.days') ?? 30,
        callsPerDay:
          config.getOptionalNumber('llmUsage.demoData.callsPerDay') ?? 6700,
      })
        .then(stored => {
          if (stored === 0) return undefined;
          evaluateAfterRollup = alertsEnabled;
          return scheduler.triggerTask(ROLLUP_TASK_ID);
        })
        .catch(error => logger.error('Demo data generation failed', error));
    });
  }

  if (config.getOptionalBoolean('llmUsage.digests.enabled') ?? true) {
    await scheduler.scheduleTask({
      id: DIGEST_TASK_ID,
      scope: 'global',
      ...taskSchedule(config, 'llmUsage.digests.schedule', {
        frequency: { hours: 1 },
        timeout: { minutes: 30 },
        initialDelay: { minutes: 5 },
      }),
      fn: async () => {
        const result = await services.digests.runDue();
        logger.info(
          `Spend digests: weekly ${JSON.stringify(
            result.weekly,
          )}, monthly ${JSON.stringify(result.monthly)}`,
        );
      },
    });
  }

  await scheduler.scheduleTask({
    id: AUDIT_RETENTION_TASK_ID,
    scope: 'global',
    ...taskSchedule(config, 'llmUsage.audit.retentionSchedule', {
      frequency: { hours: 24 },
      timeout: { minutes: 30 },
      initialDelay: { minutes: 10 },
    }),
    fn: async () => {
      await services.auditRetention.run();
    },
  });

  const rawCallRetention = services.rawCallRetention;
  if (rawCallRetention) {
    await scheduler.scheduleTask({
      id: RAW_CALL_RETENTION_TASK_ID,
      scope: 'global',
      ...taskSchedule(config, 'llmUsage.retention.schedule', {
        frequency: { hours: 24 },
        timeout: { hours: 2 },
        initialDelay: { minutes: 15 },
      }),
      fn: async () => {
        await rawCallRetention.run();
      },
    });
  }

  if (alertsEnabled) {
    await scheduler.scheduleTask({
      id: ALERT_EVALUATION_TASK_ID,
      scope: 'global',
      ...taskSchedule(config, 'llmUsage.alerts.schedule', {
        frequency: { hours: 1 },
        timeout: { minutes: 15 },
        initialDelay: { minutes: 2 },
      }),
      fn: async () => {
        await services.evaluator.evaluate();
      },
    });
  }

  // Old keys of guided rotations: deleted once their grace is over and no
  // call has used them for the quiet period.
  await scheduler.scheduleTask({
    id: KEY_ROTATION_TASK_ID,
    scope: 'global',
    ...taskSchedule(config, 'llmUsage.rotation.schedule', {
      frequency: { hours: 1 },
      timeout: { minutes: 15 },
      initialDelay: { minutes: 3 },
    }),
    fn: async () => {
      const result = await services.rotation.runDue();
      if (result.deleted + result.inUse + result.failed > 0) {
        logger.info(
          `Key rotations: ${result.deleted} old keys deleted, ${result.inUse} still in use, ${result.failed} failed`,
        );
      }
    },
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
      await services.sync.syncDue();
    },
  });

  if (demoData) {
    deps.lifecycle.addStartupHook(() => {
      // In the background, like the demo calls it derives usage from.
      seedDemoAccounts(services.db)
        .then(created =>
          created
            ? seedDemoProviderUsageWhenCallsSettle(services.db, logger)
            : undefined,
        )
        .catch(error =>
          logger.error('Demo provider accounts could not be created', error),
        );
    });
  }
}
