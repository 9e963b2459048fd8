import type { VisibilityScope } from '../database/types';
import type { AggregateRequest, UsageQueries } from '../usage/UsageQueries';

/**
 * Every request read for every scope, each answer as sorted strings of its
 * groups' bucket, dimensions, counters, costs and latency sketch: equal
 * answers compare equal whatever order the groups came in.
 */
export function readDescribed(
  queries: UsageQueries,
  scopes: VisibilityScope[],
  requests: Array<Omit<AggregateRequest, 'scope'>>,
): Promise<string[][]> {
  return Promise.all(
    scopes.flatMap(scope =>
      requests.map(async request =>
        (await queries.aggregate({ scope, ...request }))
          .map(g =>
            JSON.stringify([
              g.bucket,
              g.dimensions,
              g.usage.counters,
              g.usage.costs.toAmounts(),
              g.usage.sketch.encode(),
            ]),
          )
          .sort(),
      ),
    ),
  );
}
