import { IdleWork } from './IdleWork';

/** A read or a piece of work that ends when the test says. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>(resolve => {
    open = resolve;
  });
  return { open, opened };
}

const ticks = () => new Promise(resolve => setTimeout(resolve, 20));

describe('IdleWork', () => {
  it('starts work once no read is in progress, one piece at a time', async () => {
    const idle = new IdleWork({ maxWaitMs: 60_000, maxQueued: 10 });
    const started: string[] = [];
    const first = gate();
    const read = gate();
    const reading = idle.duringRead(() => read.opened);
    idle.add(async () => {
      started.push('first');
      await first.opened;
    });
    idle.add(async () => {
      started.push('second');
    });
    await ticks();
    expect(started).toEqual([]);

    read.open();
    await reading;
    await ticks();
    expect(started).toEqual(['first']);
    let done = false;
    const whenDone = idle.whenDone().then(() => {
      done = true;
    });
    first.open();
    await whenDone;
    expect(started).toEqual(['first', 'second']);
    expect(done).toBe(true);
    await expect(idle.whenDone()).resolves.toBeUndefined();
  });

  it('starts work after the longest wait when reads never stop', async () => {
    const idle = new IdleWork({ maxWaitMs: 50, maxQueued: 10 });
    const read = gate();
    void idle.duringRead(() => read.opened);
    let ran = false;
    idle.add(async () => {
      ran = true;
    });
    await ticks();
    expect(ran).toBe(false);
    await new Promise(resolve => setTimeout(resolve, 60));
    expect(ran).toBe(true);
    read.open();
  });

  it('goes on after work that fails, and drops the oldest beyond its bound', async () => {
    const idle = new IdleWork({ maxWaitMs: 60_000, maxQueued: 2 });
    const read = gate();
    const reading = idle.duringRead(() => read.opened);
    const ran: number[] = [];
    for (const n of [1, 2, 3]) {
      idle.add(async () => {
        ran.push(n);
        if (n === 2) throw new Error('database gone');
      });
    }
    read.open();
    await reading;
    await ticks();
    expect(ran).toEqual([2, 3]);
  });
});
