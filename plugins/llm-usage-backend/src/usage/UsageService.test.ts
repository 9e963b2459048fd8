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

/** Project `p<i>` has i + 1 calls of (i + 1) × 100 ms; recorded requests. */
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
          if (!request.latencyOnly) {
            usage.addCounters({
              ...emptyCounters(),
              calls: n,
              successCalls: n,
            });
          }
          if (request.withLatency || request.latencyOnly) {
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
  const list = (service: UsageService, scope: VisibilityScope) =>
    service.projectList(scope, {
      from: 0,
      to: 3_600_000,
      sort: 'calls',
      order: 'desc',
      offset: 0,
      limit: 2,
    });

  it("merges an admin's sketches for the page alone", async () => {
    const { requests, queries } = recordingQueries(5);
    const service = new UsageService(queries, {} as CallStore, directory);
    const page = await list(service, { kind: 'all' });
    expect(page.items.map(item => [item.projectId, item.p95LatencyMs])).toEqual(
      [
        ['p4', expect.closeTo(500, -1)],
        ['p3', expect.closeTo(400, -1)],
      ],
    );
    expect(requests.map(r => [r.withLatency, r.projectIds])).toEqual([
      [false, undefined],
      [undefined, ['p4', 'p3']],
    ]);
  });

  it("reads a viewer's percentiles with the list, whatever the page", async () => {
    const { requests, queries } = recordingQueries(5);
    const service = new UsageService(queries, {} as CallStore, directory);
    const scope: VisibilityScope = {
      kind: 'restricted',
      userRef: 'user:default/alice',
      projectIds: ['p1'],
    };
    const page = await list(service, scope);
    expect(page.items.map(item => [item.projectId, item.p95LatencyMs])).toEqual(
      [
        ['p4', expect.closeTo(500, -1)],
        ['p3', expect.closeTo(400, -1)],
      ],
    );
    // One read, the same as the list sorted by P95 (cached for both).
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ withLatency: true, scope });
    expect(requests[0].projectIds).toBeUndefined();
  });
});
