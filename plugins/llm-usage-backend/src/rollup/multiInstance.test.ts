import { TestDatabases } from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import knexFactory, { type Knex } from 'knex';
import { startLlmUsageBackend } from '../__testUtils__/pluginHarness';
import { randomCalls } from '../__testUtils__/databases';
import { DatabaseCallStore } from '../database/DatabaseCallStore';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS,
  DIRTY_HOURS_TABLE,
  HOURLY_TABLE,
} from '../database/tables';

/*
 * Two backend instances on one PostgreSQL database, each with its own
 * connection pool and the real (database-backed) scheduler: the hourly rollup
 * runs once per window across both, and when the instance running it dies
 * mid-rollup the other completes it, with totals equal to the raw calls.
 *
 * "Mid-rollup" is made deterministic with a trigger that makes the rollup's
 * insert of any day after the first wait on an advisory lock the test holds:
 * the run is then provably in flight, and the test kills its connection.
 */

jest.setTimeout(180_000);

// Several instances can only share a server database.
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

const TASKS_TABLE = 'backstage_backend_tasks__tasks';
const LOCK_KEY = 7_424_242;

type Name = 'one' | 'two';
type Run = { instance: Name; taskId: string; finished: boolean };

/** The real scheduler, recording which instance ran which task. */
function recordingScheduler(
  name: Name,
  runs: Run[],
  schedulers: Partial<Record<Name, SchedulerService>>,
) {
  return createServiceFactory({
    service: coreServices.scheduler,
    deps: {
      database: coreServices.database,
      logger: coreServices.logger,
      rootLifecycle: coreServices.rootLifecycle,
      httpRouter: coreServices.httpRouter,
      pluginMetadata: coreServices.pluginMetadata,
      metrics: metricsServiceRef,
    },
    async factory(deps) {
      const real = DefaultSchedulerService.create(deps);
      const scheduler: SchedulerService = {
        triggerTask: id => real.triggerTask(id),
        cancelTask: id => real.cancelTask(id),
        getScheduledTasks: () => real.getScheduledTasks(),
        scheduleTask: task =>
          real.scheduleTask({
            ...task,
            fn: async signal => {
              const run: Run = {
                instance: name,
                taskId: task.id,
                finished: false,
              };
              runs.push(run);
              try {
                await task.fn(signal);
              } finally {
                run.finished = true;
              }
            },
          }),
        createScheduledTaskRunner: schedule => ({
          run: task => scheduler.scheduleTask({ ...task, ...schedule }),
        }),
      };
      schedulers[name] = scheduler;
      return scheduler;
    },
  });
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** Raw totals next to the rollup totals (detail level: each call once). */
async function totals(knex: Knex) {
  const [raw] = await knex(CALLS_TABLE).select(
    knex.raw('count(*)::bigint as calls'),
    knex.raw('coalesce(sum(cost_nanos), 0)::text as cost'),
    knex.raw('coalesce(sum(input_tokens), 0)::bigint as tokens'),
  );
  const rolled = async (table: string) => {
    const [row] = await knex(table)
      .where('level', 'detail')
      .select(
        knex.raw('coalesce(sum(call_count), 0)::bigint as calls'),
        knex.raw('coalesce(sum(cost_nanos), 0)::text as cost'),
        knex.raw('coalesce(sum(input_tokens), 0)::bigint as tokens'),
      );
    return {
      calls: Number(row.calls),
      cost: row.cost,
      tokens: Number(row.tokens),
    };
  };
  return {
    raw: {
      calls: Number(raw.calls),
      cost: raw.cost,
      tokens: Number(raw.tokens),
    },
    hourly: await rolled(HOURLY_TABLE),
    daily: await rolled(DAILY_TABLE),
  };
}

describe.each(databases.eachSupportedId())(
  'two instances on one %p',
  databaseId => {
    const runs: Run[] = [];
    const schedulers: Partial<Record<Name, SchedulerService>> = {};
    const backends: Partial<
      Record<Name, Awaited<ReturnType<typeof startLlmUsageBackend>>>
    > = {};
    const pools: Partial<Record<Name, Knex>> = {};
    let knex: Knex;
    let rollupTaskId: string;

    const rollupRuns = () => runs.filter(r => r.taskId === rollupTaskId);
    const taskRow = () => knex(TASKS_TABLE).where('id', rollupTaskId).first();

    /**
     * Until `count` runs in all have finished and the task is idle again. The
     * runs are checked before the task row is read: a row read first could
     * predate a run that starts while it is in flight.
     */
    const waitForRuns = (count: number) =>
      waitFor(`${count} rollup run(s)`, async () => {
        const started = rollupRuns();
        if (started.length < count || !started.every(r => r.finished)) {
          return false;
        }
        const row = await taskRow();
        return row && row.current_run_ticket === null;
      });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      for (const name of ['one', 'two'] as const) {
        // Each instance has its own pool on the same database, as two
        // processes would.
        pools[name] = knexFactory({
          ...knex.client.config,
          pool: { min: 0, max: 5 },
        });
        backends[name] = await startLlmUsageBackend(pools[name]!, {
          config: {
            llmUsage: {
              rollup: {
                schedule: {
                  frequency: { minutes: 30 },
                  timeout: { minutes: 5 },
                },
              },
            },
          },
          features: [recordingScheduler(name, runs, schedulers)],
        });
      }
      const tasks = await schedulers.one!.getScheduledTasks();
      rollupTaskId = tasks.find(task => task.id.includes('rollup'))!.id;
    });

    afterAll(async () => {
      for (const name of ['one', 'two'] as const) {
        await backends[name]?.stop().catch(() => {});
        await pools[name]?.destroy();
      }
    });

    it('registers the rollup as one global task', async () => {
      const tasks = await schedulers.two!.getScheduledTasks();
      expect(tasks.find(task => task.id === rollupTaskId)?.scope).toBe(
        'global',
      );
    });

    it('runs the first window once across both instances', async () => {
      await waitForRuns(1);
      expect(rollupRuns()).toHaveLength(1);
      // The next run is a window away for both: neither instance may run it
      // again before then.
      const row = await taskRow();
      const nextRunAt = new Date(row.next_run_start_at).getTime();
      expect(nextRunAt - Date.now()).toBeGreaterThan(25 * 60_000);
    });

    it('runs a window triggered on both instances at once exactly once', async () => {
      const before = rollupRuns().length;
      const triggered = await Promise.allSettled([
        schedulers.one!.triggerTask(rollupTaskId),
        schedulers.two!.triggerTask(rollupTaskId),
      ]);
      expect(triggered.some(t => t.status === 'fulfilled')).toBe(true);
      await waitForRuns(before + 1);
      expect(rollupRuns()).toHaveLength(before + 1);
      const row = await taskRow();
      expect(
        new Date(row.next_run_start_at).getTime() - Date.now(),
      ).toBeGreaterThan(25 * 60_000);
    });

    it('completes on the other instance a rollup whose instance died mid-way, totals equal to raw', async () => {
      // Three closed days of calls, all hours dirty.
      const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
      const firstDay = today - 4 * DAY_MS;
      await new DatabaseCallStore(knex).ingest(
        randomCalls({ count: 3000, from: firstDay, hours: 72, seed: 42 }),
      );
      const dirtyBefore = Number(
        (await knex(DIRTY_HOURS_TABLE).count({ n: '*' }))[0].n,
      );
      expect(dirtyBefore).toBe(72);

      // Any day after the first waits on a lock the test holds.
      const holder = knexFactory({
        ...knex.client.config,
        pool: { min: 1, max: 1 },
      });
      await holder.raw('select pg_advisory_lock(?)', [LOCK_KEY]);
      await knex.raw(`
        create or replace function llm_usage_test_hold_rollup() returns trigger as $$
        begin
          perform pg_advisory_xact_lock(${LOCK_KEY});
          return new;
        end $$ language plpgsql`);
      await knex.raw(`
        create trigger llm_usage_test_hold_rollup
        before insert on ${DAILY_TABLE}
        for each row when (new.day_start > ${firstDay})
        execute function llm_usage_test_hold_rollup()`);

      const before = rollupRuns().length;
      await schedulers.one!.triggerTask(rollupTaskId);
      const blockedPid = await waitFor(
        'the rollup to reach the held lock',
        async () => {
          const { rows } = await knex.raw(
            `select pid from pg_locks where locktype = 'advisory' and objid = ? and not granted`,
            [LOCK_KEY],
          );
          return rows[0]?.pid as number | undefined;
        },
      );
      const victim = rollupRuns()[before].instance;
      const survivor: Name = victim === 'one' ? 'two' : 'one';

      // In flight: the task is claimed, the work is not done, and the other
      // instance cannot start a second run of it.
      expect((await taskRow()).current_run_ticket).not.toBeNull();
      expect(
        Number((await knex(DIRTY_HOURS_TABLE).count({ n: '*' }))[0].n),
      ).toBeGreaterThan(0);
      await expect(
        schedulers[survivor]!.triggerTask(rollupTaskId),
      ).rejects.toThrow(/running/);

      // The instance dies: its connection goes first, then the process.
      await knex.raw('select pg_terminate_backend(?)', [blockedPid]);
      await waitFor('the dead run to give up its claim', async () => {
        const row = await taskRow();
        return row.current_run_ticket === null;
      });
      await backends[victim]!.stop();
      await holder.raw('select pg_advisory_unlock(?)', [LOCK_KEY]);
      await holder.destroy();
      await knex.raw(
        `drop trigger llm_usage_test_hold_rollup on ${DAILY_TABLE}`,
      );
      await knex.raw('drop function llm_usage_test_hold_rollup()');

      const partial = await totals(knex);
      expect(partial.daily.calls).toBeLessThan(partial.raw.calls);

      await schedulers[survivor]!.triggerTask(rollupTaskId);
      await waitForRuns(before + 2);
      expect(
        rollupRuns()
          .slice(before)
          .map(r => r.instance),
      ).toEqual([victim, survivor]);

      expect(
        Number((await knex(DIRTY_HOURS_TABLE).count({ n: '*' }))[0].n),
      ).toBe(0);
      const done = await totals(knex);
      expect(done.raw.calls).toBe(3000);
      expect(done.hourly).toEqual(done.raw);
      expect(done.daily).toEqual(done.raw);
    });
  },
);
