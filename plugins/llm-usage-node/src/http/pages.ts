import { z } from 'zod/v3';
import { ProviderResponseError } from '../errors';
import { paginate } from './paginate';
import type {
  ProviderHttpClient,
  ProviderRequestOptions,
} from './ProviderHttpClient';

/*
 * The two paging conventions of the admin APIs we read (OpenAI, Anthropic):
 * object lists continued after the last id seen, and reports continued with
 * an opaque next-page token.
 */

/** A page of a list continued after its last id. @public */
export interface LastIdPage<TItem extends { id: string }> {
  data: TItem[];
  has_more: boolean;
  /** Some APIs omit it; the last item's id is used then. */
  last_id?: string | null;
}

/** A page of a report continued with an opaque token. @public */
export interface NextPageTokenPage<TItem> {
  data: TItem[];
  has_more: boolean;
  next_page?: string | null;
}

/** The schema of a {@link LastIdPage} of `item`s. @public */
export function lastIdPageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    data: z.array(item),
    first_id: z.string().nullish(),
    last_id: z.string().nullish(),
    has_more: z.boolean(),
  });
}

/** The schema of a {@link NextPageTokenPage} of `item`s. @public */
export function nextPageTokenPageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    data: z.array(item),
    has_more: z.boolean(),
    next_page: z.string().nullish(),
  });
}

/**
 * A GET of a paged list: the request of the first page, and the query
 * parameter that carries the cursor of the next ones.
 *
 * @public
 */
export interface PagedRequestOptions<TPage>
  extends Pick<ProviderRequestOptions<TPage>, 'path' | 'query' | 'schema'> {
  /** Named in errors, e.g. `OpenAI costs`. */
  description: string;
  /** e.g. `after`, `after_id` or `page`; absent from the first request. */
  cursorParam: string;
  /** More pages than this fails the call. Default 500. */
  maxPages?: number;
}

/**
 * Every item of a list continued after its last id; `has_more` without
 * any id to continue from fails the call.
 *
 * @public
 */
export function requestAllAfterLastId<TItem extends { id: string }>(
  http: ProviderHttpClient,
  options: PagedRequestOptions<LastIdPage<TItem>>,
): Promise<TItem[]> {
  return requestEveryPage(
    http,
    options,
    'last_id',
    page => page.last_id ?? page.data[page.data.length - 1]?.id,
  );
}

/**
 * Every item of a report continued with `next_page` tokens; `has_more`
 * without a token fails the call.
 *
 * @public
 */
export function requestAllByNextPage<TItem>(
  http: ProviderHttpClient,
  options: PagedRequestOptions<NextPageTokenPage<TItem>>,
): Promise<TItem[]> {
  return requestEveryPage(http, options, 'next_page', page => page.next_page);
}

function requestEveryPage<
  TPage extends { data: TItem[]; has_more: boolean },
  TItem,
>(
  http: ProviderHttpClient,
  options: PagedRequestOptions<TPage>,
  cursorField: string,
  cursorOf: (page: TPage) => string | null | undefined,
): Promise<TItem[]> {
  const { description, path, query, schema, cursorParam } = options;
  return paginate<TPage, TItem, string>({
    description,
    maxPages: options.maxPages,
    fetchPage: cursor =>
      http.request({
        path,
        query: { ...query, [cursorParam]: cursor },
        schema,
      }),
    getItems: page => page.data,
    getNextCursor: page => {
      if (!page.has_more) {
        return undefined;
      }
      const cursor = cursorOf(page);
      if (!cursor) {
        throw new ProviderResponseError(
          `${description}: has_more without ${cursorField}`,
        );
      }
      return cursor;
    },
  });
}
