import type { RewrittenHour, RollupState } from '../rollup/RollupStore';
import { HourVersions } from './HourVersions';

const HOUR = 3_600_000;

/** A rollup store's rewritten hours, and the generations it was asked since. */
function rewrittenHours(rows: RewrittenHour[]) {
  const asked: number[] = [];
  const after = (since: number) => rows.filter(row => row.generation > since);
  const read = async (since: number) => {
    asked.push(since);
    return after(since);
  };
  return { rows, asked, read, after };
}

/** A rollup state at this hours' generation, with what was read beside it. */
function stateAt(
  hoursGeneration: number,
  readWithState?: RollupState['rewrittenHours'],
): RollupState {
  return {
    rolledUntil: 0,
    dirtyHours: new Set(),
    generation: hoursGeneration,
    hoursGeneration,
    rewrittenHours: readWithState,
  };
}

describe('HourVersions', () => {
  it('learns each hour rewritten up to the generation, once per generation', async () => {
    const store = rewrittenHours([
      { hourStart: 5 * HOUR, generation: 3 },
      { hourStart: 7 * HOUR, generation: 4 },
    ]);
    const versions = new HourVersions(store.read);

    await Promise.all([
      versions.catchUp(stateAt(4)),
      versions.catchUp(stateAt(4)),
    ]);
    expect(store.asked).toEqual([0]);
    expect(versions.versionOf(5 * HOUR)).toBe(3);
    expect(versions.versionOf(7 * HOUR)).toBe(4);
    expect(versions.versionOf(6 * HOUR)).toBe(0);

    await versions.catchUp(stateAt(4));
    expect(store.asked).toEqual([0]);

    store.rows.push({ hourStart: 5 * HOUR, generation: 9 });
    await versions.catchUp(stateAt(9));
    expect(store.asked).toEqual([0, 4]);
    expect(versions.versionOf(5 * HOUR)).toBe(9);
  });

  it('reads again for a newer generation than the read in flight', async () => {
    const store = rewrittenHours([{ hourStart: HOUR, generation: 2 }]);
    const versions = new HourVersions(store.read);

    const older = versions.catchUp(stateAt(2));
    store.rows.push({ hourStart: 2 * HOUR, generation: 3 });
    await Promise.all([older, versions.catchUp(stateAt(3))]);
    expect(store.asked).toEqual([0, 2]);
    expect(versions.versionOf(2 * HOUR)).toBe(3);
  });

  it('keeps what it knew when a read fails, and reads again', async () => {
    const store = rewrittenHours([{ hourStart: HOUR, generation: 2 }]);
    let fail = true;
    const versions = new HourVersions(async since => {
      if (fail) throw new Error('connection lost');
      return store.read(since);
    });

    await expect(versions.catchUp(stateAt(2))).rejects.toThrow(
      'connection lost',
    );
    expect(versions.versionOf(HOUR)).toBe(0);
    fail = false;
    await versions.catchUp(stateAt(2));
    expect(versions.versionOf(HOUR)).toBe(2);
  });

  it('learns from the hours read with the state when they reach its generation', async () => {
    const store = rewrittenHours([
      { hourStart: HOUR, generation: 2 },
      { hourStart: 2 * HOUR, generation: 5 },
    ]);
    const versions = new HourVersions(store.read);
    await versions.catchUp(stateAt(2));
    expect(store.asked).toEqual([0]);
    expect(versions.knownUpTo).toBe(2);

    // Read in the statement beside the state: nothing more to ask.
    await versions.catchUp(stateAt(5, { since: 2, hours: store.after(2) }));
    expect(store.asked).toEqual([0]);
    expect(versions.versionOf(2 * HOUR)).toBe(5);
    expect(versions.knownUpTo).toBe(5);

    // Read in a snapshot before generation 7 committed: they fall short of
    // it, so the hours are asked for again.
    const beforeSeven = { since: 5, hours: store.after(5) };
    store.rows.push({ hourStart: 3 * HOUR, generation: 7 });
    await versions.catchUp(stateAt(7, beforeSeven));
    expect(store.asked).toEqual([0, 5]);
    expect(versions.versionOf(3 * HOUR)).toBe(7);
    expect(versions.knownUpTo).toBe(7);
  });
});
