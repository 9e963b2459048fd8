import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type RootConfigService,
  type SchedulerService,
  type SchedulerServiceTaskScheduleDefinition,
  type SchedulerServiceTaskScheduleDefinitionConfig,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';

/**
 * A task's schedule from config at `key` when set there, else `fallback`,
 * written as app-config would write it (`'1h'`, `{ minutes: 30 }`…).
 */
export function taskSchedule(
  config: RootConfigService,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinitionConfig,
): SchedulerServiceTaskScheduleDefinition {
  return readSchedulerServiceTaskScheduleDefinitionFromConfig(
    config.getOptionalConfig(key) ?? new ConfigReader({ ...fallback }),
  );
}

/** A background task that one instance at a time runs. */
export interface GlobalTask {
  id: string;
  /** Where config may set the schedule instead of `schedule`. */
  scheduleKey: string;
  /** The schedule unless config sets one, as config would write it. */
  schedule: SchedulerServiceTaskScheduleDefinitionConfig;
  /** One run; what it returns is not used. */
  run: () => Promise<unknown>;
}

/** Schedules the tasks, in order, each global and on its configured schedule. */
export async function scheduleGlobalTasks(
  scheduler: SchedulerService,
  config: RootConfigService,
  tasks: GlobalTask[],
): Promise<void> {
  for (const task of tasks) {
    await scheduler.scheduleTask({
      id: task.id,
      scope: 'global',
      ...taskSchedule(config, task.scheduleKey, task.schedule),
      fn: async () => {
        await task.run();
      },
    });
  }
}
