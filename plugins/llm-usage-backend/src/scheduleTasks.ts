import type { SchedulerService } from '@backstage/backend-plugin-api';
import {
  seedDemoAccounts,
  seedDemoProviderUsageWhenCallsSettle,
} from './demo/demoAccounts';
import { loadDemoData } from './demo/loadDemoData';
import { type GlobalTask, scheduleGlobalTasks } from './lib/taskSchedule';
import type { ServiceDeps, Services } from './services';

const ROLLUP_TASK_ID = 'llm-usage-hourly-rollup';
const ALERT_EVALUATION_TASK_ID = 'llm-usage-alert-evaluation';

/** The core services the tasks use, as the plugin's services name them. */
export type TaskDeps = Pick<ServiceDeps, 'config' | 'logger' | 'lifecycle'> & {
  scheduler: SchedulerService;
};

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
  const digestsEnabled =
    config.getOptionalBoolean('llmUsage.digests.enabled') ?? true;
  const { rawCallRetention } = services;
  // The demo's hours are evaluated as soon as they are rolled up, so its
  // injected anomaly is an alert from the start, not after the next
  // hourly evaluation.
  let evaluateAfterRollup = false;

  const tasks: Array<GlobalTask | false | undefined> = [
    {
      id: ROLLUP_TASK_ID,
      scheduleKey: 'llmUsage.rollup.schedule',
      schedule: { frequency: '1h', timeout: '30m', initialDelay: '10s' },
      run: async () => {
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
    },
    digestsEnabled && {
      id: 'llm-usage-spend-digests',
      scheduleKey: 'llmUsage.digests.schedule',
      schedule: { frequency: '1h', timeout: '30m', initialDelay: '5m' },
      run: async () => {
        const result = await services.digests.runDue();
        logger.info(
          `Spend digests: weekly ${JSON.stringify(
            result.weekly,
          )}, monthly ${JSON.stringify(result.monthly)}`,
        );
      },
    },
    {
      id: 'llm-usage-audit-retention',
      scheduleKey: 'llmUsage.audit.retentionSchedule',
      schedule: { frequency: '24h', timeout: '30m', initialDelay: '10m' },
      run: () => services.auditRetention.run(),
    },
    rawCallRetention && {
      id: 'llm-usage-raw-call-retention',
      scheduleKey: 'llmUsage.retention.schedule',
      schedule: { frequency: '24h', timeout: '2h', initialDelay: '15m' },
      run: () => rawCallRetention.run(),
    },
    alertsEnabled && {
      id: ALERT_EVALUATION_TASK_ID,
      scheduleKey: 'llmUsage.alerts.schedule',
      schedule: { frequency: '1h', timeout: '15m', initialDelay: '2m' },
      run: () => services.evaluator.evaluate(),
    },
    // Old keys of guided rotations: deleted once their grace is over and no
    // call has used them for the quiet period.
    {
      id: 'llm-usage-key-rotation',
      scheduleKey: 'llmUsage.rotation.schedule',
      schedule: { frequency: '1h', timeout: '15m', initialDelay: '3m' },
      run: async () => {
        const result = await services.rotation.runDue();
        if (result.deleted + result.inUse + result.failed > 0) {
          logger.info(
            `Key rotations: ${result.deleted} old keys deleted, ${result.inUse} still in use, ${result.failed} failed`,
          );
        }
      },
    },
    // One global task looks for due accounts: each account keeps its own
    // usage and key frequencies, accounts added through the API are picked
    // up without re-scheduling, and only one instance syncs at a time.
    {
      id: 'llm-usage-provider-sync',
      scheduleKey: 'llmUsage.sync.schedule',
      schedule: { frequency: '5m', timeout: '30m', initialDelay: '30s' },
      run: () => services.sync.syncDue(),
    },
  ];
  await scheduleGlobalTasks(
    scheduler,
    config,
    tasks.filter((task): task is GlobalTask => Boolean(task)),
  );

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
