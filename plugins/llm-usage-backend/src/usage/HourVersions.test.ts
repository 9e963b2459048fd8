import type { RewrittenHour } from '../rollup/RollupStore';
import { HourVersions } from './HourVersions';

const HOUR = 3_600_000;

/** A rollup store's rewritten hours, and the generations it was asked since. */
function rewrittenHours(rows: RewrittenHour[]) {
  const asked: number[] = [];
  const read = async (since: number) => {
    asked.push(since);
    return rows.filter(row => row.generation > since);
  };
  return { rows, asked, read };
}

describe('HourVersions', () => {
  it('learns each hour rewritten up to the generation, once per generation', async () => {
    const store = rewrittenHours([
      { hourStart: 5 * HOUR, generation: 3 },
      { hourStart: 7 * HOUR, generation: 4 },
    ]);
    const versions = new HourVersions(store.read);

    await Promise.all([versions.catchUp(4), versions.catchUp(4)]);
    expect(store.asked).toEqual([-1]);
    expect(versions.versionOf(5 * HOUR)).toBe(3);
    expect(versions.versionOf(7 * HOUR)).toBe(4);
    expect(versions.versionOf(6 * HOUR)).toBe(0);

    await versions.catchUp(4);
    expect(store.asked).toEqual([-1]);

    store.rows.push({ hourStart: 5 * HOUR, generation: 9 });
    await versions.catchUp(9);
    expect(store.asked).toEqual([-1, 4]);
    expect(versions.versionOf(5 * HOUR)).toBe(9);
  });

  it('reads again for a newer generation than the read in flight', async () => {
    const store = rewrittenHours([{ hourStart: HOUR, generation: 2 }]);
    const versions = new HourVersions(store.read);

    const older = versions.catchUp(2);
    store.rows.push({ hourStart: 2 * HOUR, generation: 3 });
    await Promise.all([older, versions.catchUp(3)]);
    expect(store.asked).toEqual([-1, 2]);
    expect(versions.versionOf(2 * HOUR)).toBe(3);
  });

  it('keeps what it knew when a read fails, and reads again', async () => {
    const store = rewrittenHours([{ hourStart: HOUR, generation: 2 }]);
    let fail = true;
    const versions = new HourVersions(async since => {
      if (fail) throw new Error('connection lost');
      return store.read(since);
    });

    await expect(versions.catchUp(2)).rejects.toThrow('connection lost');
    expect(versions.versionOf(HOUR)).toBe(0);
    fail = false;
    await versions.catchUp(2);
    expect(versions.versionOf(HOUR)).toBe(2);
  });
});
