import { ProviderResponseError } from '../errors';

/** @public */
export interface PaginateOptions<TPage, TItem, TCursor> {
  /** Named in errors, e.g. `OpenAI costs`. */
  description: string;
  /** Fetches one page; `cursor` is undefined for the first. */
  fetchPage(cursor: TCursor | undefined, pageIndex: number): Promise<TPage>;
  getItems(page: TPage): readonly TItem[];
  /** The cursor (token, id or offset) of the next page, or undefined at the end. */
  getNextCursor(
    page: TPage,
    context: { cursor: TCursor | undefined; items: readonly TItem[] },
  ): TCursor | undefined;
  /** More pages than this fails the call instead of returning part. Default 500. */
  maxPages?: number;
}

/**
 * Follows a cursor or offset through every page and returns all items, or
 * throws: a provider that repeats a cursor or never stops is reported as a
 * {@link ProviderResponseError} rather than handing back partial data.
 *
 * @public
 */
export async function paginate<TPage, TItem, TCursor>(
  options: PaginateOptions<TPage, TItem, TCursor>,
): Promise<TItem[]> {
  const maxPages = options.maxPages ?? 500;
  const seen = new Set<string>();
  const all: TItem[] = [];
  let cursor: TCursor | undefined = undefined;
  for (let pageIndex = 0; ; pageIndex++) {
    if (pageIndex >= maxPages) {
      throw new ProviderResponseError(
        `${options.description}: more than ${maxPages} pages; stopped without saving partial data`,
      );
    }
    const page = await options.fetchPage(cursor, pageIndex);
    const items = options.getItems(page);
    all.push(...items);
    const next = options.getNextCursor(page, { cursor, items });
    if (next === undefined) {
      return all;
    }
    const key = JSON.stringify(next);
    if (seen.has(key)) {
      throw new ProviderResponseError(
        `${options.description}: the provider repeated a page cursor; stopped to avoid a loop`,
      );
    }
    seen.add(key);
    cursor = next;
  }
}
