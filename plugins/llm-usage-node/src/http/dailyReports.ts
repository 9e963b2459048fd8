import { z } from 'zod/v3';
import type {
  ProviderCostRecord,
  ProviderDateRange,
  ProviderUsageRecord,
} from '../provider';
import { recordsOfDailyBuckets } from './days';
import {
  NextPageTokenPage,
  nextPageTokenPageSchema,
  requestAllByNextPage,
} from './pages';
import { mergeCostRecords, mergeUsageRecords } from './records';
import type {
  ProviderHttpClient,
  ProviderQueryValue,
  ProviderRequestOptions,
} from './ProviderHttpClient';

/** A bucket of one day's results. */
type Bucket = { results: readonly unknown[] };

/** The schema of a page of a daily report, as its parsed type. @public */
export type DailyReportPageSchema<
  TBucket extends z.ZodRawShape,
  TResult extends z.ZodTypeAny,
> = z.ZodType<
  NextPageTokenPage<
    z.output<z.ZodObject<TBucket>> & { results: Array<z.output<TResult>> }
  >,
  z.ZodTypeDef,
  unknown
>;

/**
 * The schema of a page of a daily report: buckets with the fields that
 * place them in time (`bucket`) and their `results`.
 *
 * @public
 */
export function dailyReportPageSchema<
  TBucket extends z.ZodRawShape,
  TResult extends z.ZodTypeAny,
>(bucket: TBucket, result: TResult): DailyReportPageSchema<TBucket, TResult> {
  // zod cannot relate its mapped output types to the generic shape: the
  // page is what the declared type says.
  return nextPageTokenPageSchema(
    z.object({ ...bucket, results: z.array(result) }),
  ) as z.ZodType as DailyReportPageSchema<TBucket, TResult>;
}

/**
 * A daily report of an admin API (OpenAI's usage and costs, Anthropic's
 * usage and cost reports): buckets of one UTC day each, read in pages
 * continued with `page=<next_page>`, and every result of a bucket of the
 * range mapped to a record of that day.
 *
 * @public
 */
export interface DailyReportOptions<TBucket extends Bucket, TRecord> {
  /** Named in errors, e.g. `OpenAI costs`. */
  description: string;
  path: string;
  /** The window and grouping; `bucket_width=1d` is added. */
  query: Record<string, ProviderQueryValue>;
  schema: ProviderRequestOptions<NextPageTokenPage<TBucket>>['schema'];
  range: ProviderDateRange;
  /** The bucket's UTC day, `YYYY-MM-DD`. */
  dayOf(bucket: NoInfer<TBucket>): string;
  toRecord(result: NoInfer<TBucket>['results'][number], day: string): TRecord;
}

async function requestDailyReport<TBucket extends Bucket, TRecord>(
  http: ProviderHttpClient,
  options: DailyReportOptions<TBucket, TRecord> & {
    merge(records: TRecord[]): TRecord[];
  },
): Promise<TRecord[]> {
  const { description, path, query, schema, range, dayOf, toRecord } = options;
  const buckets = await requestAllByNextPage(http, {
    description,
    path,
    query: { ...query, bucket_width: '1d' },
    cursorParam: 'page',
    schema,
  });
  return options.merge(
    recordsOfDailyBuckets(buckets, range, { dayOf, toRecord }),
  );
}

/** The usage of a daily report, rows of one identity summed. @public */
export const requestDailyUsage = <TBucket extends Bucket>(
  http: ProviderHttpClient,
  options: DailyReportOptions<TBucket, ProviderUsageRecord>,
) => requestDailyReport(http, { ...options, merge: mergeUsageRecords });

/** The costs of a daily report, rows of one identity summed exactly. @public */
export const requestDailyCosts = <TBucket extends Bucket>(
  http: ProviderHttpClient,
  options: DailyReportOptions<TBucket, ProviderCostRecord>,
) => requestDailyReport(http, { ...options, merge: mergeCostRecords });
