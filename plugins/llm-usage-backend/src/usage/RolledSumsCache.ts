/**
 * Sums read from the rollup tables, kept per rollup generation.
 *
 * Rolled rows change only in a rollup transaction, which starts a new
 * generation, so a sum cached under the generation a read planned with is
 * exact: no time to live, nothing to invalidate by hand. Entries of older
 * generations are dropped as soon as a newer one is seen, and the rest are
 * evicted least recently used first once their weight passes the budget.
 *
 * Concurrent reads of the same key share one computation.
 */
export class RolledSumsCache<T> {
  private readonly entries = new Map<
    string,
    { value: Promise<T>; weight: number }
  >();
  private generation = -1;
  private totalWeight = 0;

  constructor(
    private readonly options: {
      /** Sum of the weights of the entries kept. */
      maxWeight: number;
      weigh: (value: T) => number;
    },
  ) {}

  async get(
    generation: number,
    key: string,
    compute: () => Promise<T>,
  ): Promise<T> {
    if (generation > this.generation) {
      this.clear();
      this.generation = generation;
    } else if (generation < this.generation) {
      // A read that planned before the latest rollup: it must not be served
      // (or fill the cache) with the newer generation's sums.
      return compute();
    }
    const hit = this.entries.get(key);
    if (hit) {
      // Re-inserting keeps the Map in least recently used order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const entry = { value: compute(), weight: 0 };
    this.entries.set(key, entry);
    try {
      const value = await entry.value;
      if (this.entries.get(key) === entry) {
        entry.weight = Math.max(1, this.options.weigh(value));
        this.totalWeight += entry.weight;
        this.evict();
      }
      return value;
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  /** Whether a read of this generation would find the key, computed or in flight. */
  has(generation: number, key: string): boolean {
    return generation === this.generation && this.entries.has(key);
  }

  /** Number of entries, computed or in flight. */
  get size(): number {
    return this.entries.size;
  }

  private evict() {
    for (const [key, entry] of this.entries) {
      if (this.totalWeight <= this.options.maxWeight) return;
      if (entry.weight === 0) continue; // still in flight
      this.entries.delete(key);
      this.totalWeight -= entry.weight;
    }
  }

  private clear() {
    this.entries.clear();
    this.totalWeight = 0;
  }
}
