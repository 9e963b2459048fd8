import { RolledSumsCache } from './RolledSumsCache';

function cacheOf(maxWeight = 100) {
  return new RolledSumsCache<number[]>({
    maxWeight,
    weigh: value => value.length,
  });
}

describe('RolledSumsCache', () => {
  it('computes a key once per generation and shares computations in flight', async () => {
    const cache = cacheOf();
    const compute = jest.fn(async () => [1, 2]);
    const [a, b] = await Promise.all([
      cache.get(1, 'k', compute),
      cache.get(1, 'k', compute),
    ]);
    expect(await cache.get(1, 'k', compute)).toBe(a);
    expect(b).toBe(a);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('drops every entry when a newer generation is seen', async () => {
    const cache = cacheOf();
    await cache.get(1, 'k', async () => [1]);
    await cache.get(1, 'other', async () => [2]);
    expect(await cache.get(2, 'k', async () => [3])).toEqual([3]);
    expect(cache.size).toBe(1);
  });

  it('answers a read planned under an older generation without caching it', async () => {
    const cache = cacheOf();
    await cache.get(2, 'k', async () => [2]);
    expect(await cache.get(1, 'k', async () => [1])).toEqual([1]);
    expect(await cache.get(1, 'new', async () => [1])).toEqual([1]);
    expect(await cache.get(2, 'k', async () => [9])).toEqual([2]);
    expect(cache.size).toBe(1);
  });

  it('does not keep a failed computation', async () => {
    const cache = cacheOf();
    await expect(
      cache.get(1, 'k', async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(await cache.get(1, 'k', async () => [1])).toEqual([1]);
  });

  it('evicts the least recently used entries beyond its weight', async () => {
    const cache = cacheOf(5);
    await cache.get(1, 'a', async () => [1, 1]);
    await cache.get(1, 'b', async () => [1, 1]);
    await cache.get(1, 'a', async () => [0]); // a is now the most recent
    await cache.get(1, 'c', async () => [1, 1]); // 6 > 5: b goes
    expect(await cache.get(1, 'a', async () => [0])).toEqual([1, 1]);
    expect(await cache.get(1, 'b', async () => [7])).toEqual([7]);
  });
});
