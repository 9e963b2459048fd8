/**
 * Reads that only fill the read cache for later requests. They share the
 * event loop and the database with the requests that schedule them, so
 * they start once no request's read is in progress (or after `maxWaitMs`
 * under constant traffic), one at a time: a request never waits for the
 * work it handed on.
 */
export class IdleWork {
  private readonly queue: Array<() => Promise<unknown>> = [];
  private readsInProgress = 0;
  private running = false;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly whenDoneWaiters: Array<() => void> = [];

  constructor(
    private readonly options: {
      /** The longest a piece of work waits for a moment without reads. */
      maxWaitMs: number;
      /** Beyond this many waiting, the oldest is dropped. */
      maxQueued: number;
    } = { maxWaitMs: 1000, maxQueued: 100 },
  ) {}

  /** Runs a request's read; work waits while any is in progress. */
  async duringRead<T>(read: () => Promise<T>): Promise<T> {
    this.readsInProgress++;
    try {
      return await read();
    } finally {
      this.readsInProgress--;
      this.startWhenIdle();
    }
  }

  /** Work whose failure leaves nothing behind but a later request's own read. */
  add(work: () => Promise<unknown>) {
    if (this.queue.length >= this.options.maxQueued) this.queue.shift();
    this.queue.push(work);
    this.startWhenIdle();
  }

  /** Resolves once no work is waiting or running (for benches and tests). */
  whenDone(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise(resolve => this.whenDoneWaiters.push(resolve));
  }

  private startWhenIdle() {
    if (this.running || this.queue.length === 0) return;
    if (this.readsInProgress === 0) {
      setImmediate(() => this.runNext());
    } else {
      this.timer ??= setTimeout(() => this.runNext(), this.options.maxWaitMs);
      this.timer.unref?.();
    }
  }

  private async runNext() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const work = this.running ? undefined : this.queue.shift();
    if (!work) return;
    this.running = true;
    try {
      await work();
    } catch {
      // The request that needs these sums reads them itself.
    } finally {
      this.running = false;
      if (this.queue.length === 0) {
        for (const resolve of this.whenDoneWaiters.splice(0)) resolve();
      }
      this.startWhenIdle();
    }
  }
}
