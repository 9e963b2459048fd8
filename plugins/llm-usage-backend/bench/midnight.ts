/*
 * `yarn bench:midnight`: the reads of `yarn bench` as "the last 30 days"
 * moves across 00:00 UTC, an hour at a time, on the database `yarn bench`
 * left (run it first). At midnight the range's whole days change at both
 * ends and its first day is cut anew: the steps the bench's own cold reads
 * meet only when it runs in the first hours of a UTC day.
 *
 * Each step starts a new rollup generation, as the hourly rollup does,
 * after the reads the step before handed to the background are done (they
 * have an hour in the product; the table says how long they took). Each
 * read has its own server-side state: a fresh UsageService, read once an
 * hour before the first step (untimed). The steps end at most at the last
 * hour rolled.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import { loadavg } from 'node:os';
import { DatabaseCallStore } from '../src/database/DatabaseCallStore';
import {
  DAY_MS,
  HOUR_MS,
  ROLLUP_STATE_TABLE,
  dayStartOf,
} from '../src/database/tables';
import type { VisibilityScope } from '../src/database/types';
import { DatabaseRollupStore } from '../src/rollup/DatabaseRollupStore';
import { UsageQueries } from '../src/usage/UsageQueries';
import { UsageService } from '../src/usage/UsageService';
import { ProjectDirectory } from '../src/visibility/ProjectDirectory';
import { BENCH_CATALOG, VIEWER, VIEWER_PROJECTS } from './compare';
import { time } from './scaleSupport';

const PG = process.env.BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
/** Steps: hours from midnight of the range's end. */
const STEPS = [-2, -1, 0, 1, 2, 3];

const SCOPES: Record<string, VisibilityScope> = {
  admin: { kind: 'all' },
  viewer: { kind: 'restricted', userRef: VIEWER, projectIds: VIEWER_PROJECTS },
};

type Read = (
  service: UsageService,
  scope: VisibilityScope,
  from: number,
  to: number,
) => Promise<unknown>;

const projectList =
  (sort: 'cost' | 'p95Latency'): Read =>
  (service, scope, from, to) =>
    service.projectList(scope, {
      from,
      to,
      sort,
      order: 'desc',
      offset: 0,
      limit: 25,
    });

const READS: Record<string, Read> = {
  overview: (service, scope, from, to) => service.overview(scope, { from, to }),
  'trends (day, Asia/Shanghai)': (service, scope, from, to) =>
    service.trends(scope, {
      from,
      to,
      interval: 'day',
      tz: 'Asia/Shanghai',
      split: 'none',
    }),
  'projects by cost': projectList('cost'),
  'projects by P95': projectList('p95Latency'),
  'project stats': (service, scope, from, to) =>
    service.projectStats(scope, VIEWER_PROJECTS[0], { from, to }),
};

async function main() {
  const knex = knexFactory({
    client: 'pg',
    connection: `${PG}/${process.env.BENCH_DATABASE ?? 'llm_usage_bench'}`,
  });
  const state = await knex(ROLLUP_STATE_TABLE).first('rolled_until');
  const rolledUntil = Number(state?.rolled_until ?? 0);
  const lastStep = STEPS[STEPS.length - 1] * HOUR_MS;
  const midnight = dayStartOf(rolledUntil - lastStep);
  if (rolledUntil === 0) throw new Error('Run `yarn bench` first');
  const ends = STEPS.map(hours => midnight + hours * HOUR_MS);
  const projects = new ProjectDirectory(
    catalogServiceMock({ entities: BENCH_CATALOG }),
    { getOwnServiceCredentials: async () => mockCredentials.service() } as any,
  );
  const header = ends.map(end => new Date(end).toISOString().slice(11, 16));
  console.log(
    `"The last 30 days" ending at each hour (UTC, around ${new Date(midnight)
      .toISOString()
      .slice(
        0,
        10,
      )} 00:00), ms; then how long the reads it handed to the background took\n`,
  );
  console.log(
    `| read | viewer | ${header.join(' | ')} | background ms | load (1 min) |`,
  );
  console.log(
    `| --- | --- | ${header.map(() => '---').join(' | ')} | --- | --- |`,
  );
  for (const [viewer, scope] of Object.entries(SCOPES)) {
    for (const [name, read] of Object.entries(READS)) {
      const queries = new UsageQueries(knex, new DatabaseRollupStore(knex));
      const service = new UsageService(
        queries,
        new DatabaseCallStore(knex),
        projects,
      );
      const readEndingAt = (to: number) =>
        read(service, scope, to - 30 * DAY_MS, to);
      await readEndingAt(ends[0] - HOUR_MS);
      await queries.backgroundReadsDone();
      const times: string[] = [];
      const backgroundTimes: string[] = [];
      for (const to of ends) {
        await knex(ROLLUP_STATE_TABLE).increment({ generation: 1 });
        const [ms] = await time(() => readEndingAt(to));
        const [backgroundMs] = await time(() => queries.backgroundReadsDone());
        times.push(ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
        backgroundTimes.push(backgroundMs.toFixed(0));
      }
      console.log(
        `| ${name} | ${viewer} | ${times.join(' | ')} | ${backgroundTimes.join(
          ' · ',
        )} | ${loadavg()[0].toFixed(2)} |`,
      );
    }
  }
  await knex.destroy();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
