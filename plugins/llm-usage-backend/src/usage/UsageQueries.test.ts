import type { Knex } from 'knex';
import type { RollupState, RollupStore } from '../rollup/RollupStore';
import { UsageQueries } from './UsageQueries';

describe('UsageQueries.readRollupState', () => {
  it('shares a state read in flight, and reads anew once it is done', async () => {
    const pending: Array<(state: RollupState) => void> = [];
    const getState = jest.fn(
      () =>
        new Promise<RollupState>(resolve => {
          pending.push(resolve);
        }),
    );
    const queries = new UsageQueries(
      {} as Knex,
      {
        getState,
      } as unknown as RollupStore,
    );
    const state = (generation: number): RollupState => ({
      rolledUntil: 0,
      dirtyHours: new Set(),
      generation,
    });

    const first = queries.readRollupState();
    const second = queries.readRollupState();
    expect(getState).toHaveBeenCalledTimes(1);
    pending[0](state(1));
    expect(await first).toEqual(state(1));
    expect(await second).toBe(await first);

    // Asked after the read above was done: a rollup may have run since.
    const third = queries.readRollupState();
    expect(getState).toHaveBeenCalledTimes(2);
    pending[1](state(2));
    expect((await third).generation).toBe(2);
  });
});
