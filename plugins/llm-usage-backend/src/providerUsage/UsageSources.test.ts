import { mockCredentials } from '@backstage/backend-test-utils';
import type { VisibilityScope } from '../database/types';
import type { RollupState } from '../rollup/RollupStore';
import type { UsageQueries } from '../usage/UsageQueries';
import { UsageService } from '../usage/UsageService';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';
import { UsageSources } from './UsageSources';

const DAY = 86_400_000;

/** Usage sources whose authorization waits until the test lets it through. */
function withSlowAuthorization() {
  let authorize!: (scope: VisibilityScope) => void;
  const visibility = {
    scopeFor: jest.fn(
      () =>
        new Promise<VisibilityScope>(resolve => {
          authorize = resolve;
        }),
    ),
  };
  const state: Promise<RollupState> = Promise.resolve({
    rolledUntil: 0,
    dirtyHours: new Set<number>(),
    generation: 1,
  });
  const queries = {
    readRollupState: jest.fn(() => state),
    aggregate: jest.fn(async () => []),
  };
  const sources = new UsageSources({
    visibility: visibility as unknown as VisibilityResolver,
    authorizer: {} as never,
    calls: new UsageService(
      queries as unknown as UsageQueries,
      {} as never,
      {} as never,
    ),
    provider: {} as never,
    projects: {} as never,
  });
  return { sources, queries, state, authorize: () => authorize };
}

describe('UsageSources', () => {
  it('reads the rollup state while the caller is authorized, and plans every read of the request against it', async () => {
    const { sources, queries, state, authorize } = withSlowAuthorization();

    const overview = sources.overview(
      mockCredentials.user(),
      { from: 10 * DAY, to: 17 * DAY },
      'calls',
    );
    await new Promise(resolve => setImmediate(resolve));
    expect(queries.readRollupState).toHaveBeenCalledTimes(1);
    expect(queries.aggregate).not.toHaveBeenCalled();

    authorize()({ kind: 'all' });
    await overview;
    // The range and the one before it, both against the state read ahead.
    expect(queries.aggregate).toHaveBeenCalledTimes(2);
    for (const [, plannedAgainst] of queries.aggregate.mock
      .calls as unknown[][]) {
      expect(plannedAgainst).toBe(state);
    }
    expect(queries.readRollupState).toHaveBeenCalledTimes(1);
  });
});
