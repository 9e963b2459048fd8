import type { VisibilityScope } from '../database/types';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import type { CallStore } from '../database/CallStore';
import { emptyCounters } from '../lib/usageCounters';
import { UsageAccumulator } from './UsageAccumulator';
import type {
  AggregateRequest,
  UsageGroup,
  UsageQueries,
} from './UsageQueries';
import { UsageService } from './UsageService';

/** Project `p<i>`: i + 1 calls of (i + 1) × 100 ms, costing i + 1 nanos. */
function recordingQueries(projectCount: number) {
  const requests: AggregateRequest[] = [];
  const queries = {
    aggregate: async (request: AggregateRequest): Promise<UsageGroup[]> => {
      requests.push(request);
      const ids = Array.from({ length: projectCount }, (_, i) => `p${i}`);
      return ids
        .filter(id => !request.projectIds || request.projectIds.includes(id))
        .map(id => {
          const usage = new UsageAccumulator();
          const n = Number(id.slice(1)) + 1;
          usage.addCounters({ ...emptyCounters(), calls: n, successCalls: n });
          usage.addCost('USD', BigInt(n));
          if (request.withLatency) {
            for (let i = 0; i < n; i++) usage.sketch.add(n * 100);
          }
          return { dimensions: { project: id }, bucket: 0, usage };
        });
    },
  };
  return { requests, queries: queries as unknown as UsageQueries };
}

const directory = {
  projects: async () => new Map(),
} as unknown as ProjectDirectory;

describe('UsageService project list', () => {
  const list = (
    service: UsageService,
    scope: VisibilityScope,
    sort: 'calls' | 'cost',
    offset: number,
  ) =>
    service.projectList(scope, {
      from: 0,
      to: 3_600_000,
      sort,
      order: 'desc',
      offset,
      limit: 2,
    });

  it.each<[string, VisibilityScope]>([
    ['an admin', { kind: 'all' }],
    [
      'a viewer',
      { kind: 'restricted', userRef: 'user:default/alice', projectIds: ['p1'] },
    ],
  ])(
    'reads every project with its sketch once for %s, the same for every sort and page',
    async (_who, scope) => {
      const { requests, queries } = recordingQueries(5);
      const service = new UsageService(queries, {} as CallStore, directory);
      const first = await list(service, scope, 'calls', 0);
      const second = await list(service, scope, 'cost', 2);
      expect(
        [...first.items, ...second.items].map(item => [
          item.projectId,
          item.p95LatencyMs,
        ]),
      ).toEqual([
        ['p4', expect.closeTo(500, -1)],
        ['p3', expect.closeTo(400, -1)],
        ['p2', expect.closeTo(300, -1)],
        ['p1', expect.closeTo(200, -1)],
      ]);
      // One request each, the same (so one cache entry serves both).
      expect(requests).toHaveLength(2);
      expect(requests[1]).toEqual(requests[0]);
      expect(requests[0]).toMatchObject({ scope, withLatency: true });
      expect(requests[0].projectIds).toBeUndefined();
    },
  );
});
