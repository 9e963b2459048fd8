import { ProviderResponseError } from '../errors';
import { paginate } from './paginate';

type Page = { data: number[]; next_page: string | null };

describe('paginate', () => {
  it('follows a cursor to the end', async () => {
    const pages: Record<string, Page> = {
      first: { data: [1, 2], next_page: 'p2' },
      p2: { data: [], next_page: 'p3' },
      p3: { data: [3], next_page: null },
    };
    const cursors: Array<string | undefined> = [];

    const items = await paginate<Page, number, string>({
      description: 'things',
      fetchPage: async cursor => {
        cursors.push(cursor);
        return pages[cursor ?? 'first'];
      },
      getItems: page => page.data,
      getNextCursor: page => page.next_page ?? undefined,
    });

    expect(items).toEqual([1, 2, 3]);
    expect(cursors).toEqual([undefined, 'p2', 'p3']);
  });

  it('supports offsets as cursors', async () => {
    const all = [1, 2, 3, 4, 5];
    const items = await paginate<number[], number, number>({
      description: 'things',
      fetchPage: async offset => all.slice(offset ?? 0, (offset ?? 0) + 2),
      getItems: page => page,
      getNextCursor: (page, { cursor }) =>
        page.length === 0 ? undefined : (cursor ?? 0) + page.length,
    });
    expect(items).toEqual(all);
  });

  it('fails instead of returning part when the page cap is reached', async () => {
    let n = 0;
    const run = paginate<Page, number, string>({
      description: 'Example costs',
      maxPages: 3,
      fetchPage: async () => ({ data: [n], next_page: `p${++n}` }),
      getItems: page => page.data,
      getNextCursor: page => page.next_page ?? undefined,
    });
    await expect(run).rejects.toThrow(
      new ProviderResponseError(
        'Example costs: more than 3 pages; stopped without saving partial data',
      ),
    );
    expect(n).toBe(3);
  });

  it('fails when the provider repeats a cursor', async () => {
    const run = paginate<Page, number, string>({
      description: 'Example keys',
      fetchPage: async () => ({ data: [1], next_page: 'same' }),
      getItems: page => page.data,
      getNextCursor: page => page.next_page ?? undefined,
    });
    await expect(run).rejects.toBeInstanceOf(ProviderResponseError);
  });
});
