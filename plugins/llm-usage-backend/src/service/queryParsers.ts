import { InputError } from '@backstage/errors';
import {
  CALL_SORT_FIELDS,
  CALL_STATUSES,
  CALL_TYPES,
  PROJECT_SORT_FIELDS,
  PROVIDER_BREAKDOWN_DIMENSIONS,
  TREND_INTERVALS,
  TREND_SPLITS,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { IANAZone } from 'luxon';
import { z } from 'zod/v3';
import {
  parsePathParam,
  parseQuery,
  wholeNumberParam,
} from '../lib/parseInput';
import { EXPORT_FORMATS } from '../export/tableExport';
import { decodeCursor } from '../usage/callCursor';
import { estimateBucketCount } from '../usage/timeBuckets';
import { isoDateTimeMs } from '../lib/isoTime';

/*
 * The usage queries. Every request reaches these after the OpenAPI spec has
 * checked it (createSpecValidatedRouter): kinds, enums, bounds, lengths and
 * unknown parameters are answered there. What stays here is what the spec
 * cannot say: one date before the other and the longest range, how many
 * buckets an interval gives, a cursor's content and its sort, a time zone's
 * validity, defaults, and the strings as typed values.
 */

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_MS = 30 * DAY_MS;
const MAX_RANGE_MS = 400 * DAY_MS;
const MAX_BUCKETS = 1000;

const isoDate = isoDateTimeMs(
  'must be an ISO 8601 date-time such as 2026-11-01T00:00:00Z',
);

const rangeShape = {
  from: isoDate.optional(),
  to: isoDate.optional(),
};

/**
 * Zones known to be valid. luxon checks a zone by building an
 * Intl.DateTimeFormat, which costs more than the rest of a cached read; only
 * valid names are kept, so arbitrary input cannot grow the set.
 */
const validZones = new Set<string>();

function isValidZone(value: string): boolean {
  if (validZones.has(value)) return true;
  if (!IANAZone.isValidZone(value)) return false;
  validZones.add(value);
  return true;
}

/** An IANA time zone query parameter, UTC when absent. */
export const timeZoneParam = z
  .string()
  .refine(isValidZone, 'must be an IANA time zone such as Europe/Berlin')
  .default('UTC');

/** A resolved, validated time range in epoch ms. */
export interface RangeParams {
  from: number;
  to: number;
}

function resolveRange(
  query: { from?: number; to?: number },
  now: number,
): RangeParams {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_RANGE_MS;
  if (from >= to) {
    throw new InputError(`Invalid query parameter 'from': must be before 'to'`);
  }
  if (to - from > MAX_RANGE_MS) {
    throw new InputError(
      `Invalid query parameter 'from': the range may span at most ${
        MAX_RANGE_MS / DAY_MS
      } days`,
    );
  }
  return { from, to };
}

const rangeSchema = z.object(rangeShape).strict();

export function parseRangeQuery(query: unknown, now = Date.now()): RangeParams {
  return resolveRange(parseQuery(rangeSchema, query), now);
}

const projectListSchema = z
  .object({
    ...rangeShape,
    search: z.string().max(200).optional(),
    sort: z.enum(PROJECT_SORT_FIELDS).default('cost'),
    order: z.enum(['asc', 'desc']).default('desc'),
    offset: wholeNumberParam(0, 1_000_000).default('0'),
    limit: wholeNumberParam(1, 200).default('25'),
  })
  .strict();

/** A parser of a query with a range: its fields, and the range resolved. */
function rangedQuery<T extends z.ZodTypeAny>(schema: T) {
  return (query: unknown, now = Date.now()): z.output<T> & RangeParams => {
    const parsed = parseQuery(schema, query);
    return { ...parsed, ...resolveRange(parsed, now) };
  };
}

export const parseProjectListQuery = rangedQuery(projectListSchema);

const trendsShape = {
  ...rangeShape,
  interval: z.enum(TREND_INTERVALS).default('day'),
  tz: timeZoneParam,
};

function checkBucketCount(
  range: RangeParams,
  interval: (typeof TREND_INTERVALS)[number],
) {
  if (estimateBucketCount(range.from, range.to, interval) > MAX_BUCKETS) {
    throw new InputError(
      `Invalid query parameter 'interval': '${interval}' gives more than ${MAX_BUCKETS} buckets for this range`,
    );
  }
}

const usageTrendsSchema = z
  .object({ ...trendsShape, split: z.enum(TREND_SPLITS).default('none') })
  .strict();

export function parseUsageTrendsQuery(query: unknown, now = Date.now()) {
  const parsed = parseQuery(usageTrendsSchema, query);
  const range = resolveRange(parsed, now);
  checkBucketCount(range, parsed.interval);
  return { ...parsed, ...range };
}

const projectTrendsSchema = z.object(trendsShape).strict();

export function parseProjectTrendsQuery(query: unknown, now = Date.now()) {
  const parsed = parseQuery(projectTrendsSchema, query);
  const range = resolveRange(parsed, now);
  checkBucketCount(range, parsed.interval);
  return { ...parsed, ...range };
}

const callListSchema = z
  .object({
    ...rangeShape,
    model: z.string().min(1).max(255).optional(),
    status: z.enum(CALL_STATUSES).optional(),
    type: z.enum(CALL_TYPES).optional(),
    sort: z.enum(CALL_SORT_FIELDS).default('time'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: wholeNumberParam(1, 500).default('50'),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

export function parseCallListQuery(query: unknown, now = Date.now()) {
  const parsed = parseQuery(callListSchema, query);
  const range = resolveRange(parsed, now);
  const after = parsed.cursor ? decodeCursor(parsed.cursor) : undefined;
  if (after && (after.sort !== parsed.sort || after.order !== parsed.order)) {
    throw new InputError(
      `Invalid query parameter 'cursor': it belongs to a list sorted by ${after.sort} ${after.order}`,
    );
  }
  return { ...parsed, ...range, after };
}

const exportFormat = z.enum(EXPORT_FORMATS).default('csv');

const projectExportSchema = projectListSchema
  .omit({ offset: true, limit: true })
  .extend({ format: exportFormat })
  .strict();

/** The project list's filters and sort, without paging, plus `format`. */
export const parseProjectExportQuery = rangedQuery(projectExportSchema);

const callExportSchema = callListSchema
  .omit({ limit: true, cursor: true })
  .extend({ format: exportFormat })
  .strict();

/** The call history's filters and sort, without paging, plus `format`. */
export const parseCallExportQuery = rangedQuery(callExportSchema);

const projectIdSchema = z.string().trim().min(1).max(255);

export function parseProjectId(value: unknown): string {
  return parsePathParam(projectIdSchema, 'projectId', value);
}

const SOURCES = ['calls', 'provider', 'auto'] as const;
const sourceSchema = z
  .object({ source: z.enum(SOURCES).default('calls') })
  .passthrough();

/**
 * Takes `source` off a usage query (recorded calls when absent, as before
 * the parameter existed), leaving the rest for the query's own parser.
 */
export function takeSource(query: unknown): {
  source: (typeof SOURCES)[number];
  rest: Record<string, unknown>;
} {
  const { source, ...rest } = parseQuery(sourceSchema, query);
  return { source, rest };
}

const breakdownSchema = z
  .object({
    ...rangeShape,
    by: z.enum(PROVIDER_BREAKDOWN_DIMENSIONS).default('key'),
  })
  .strict();

/** `GET /usage/provider/breakdown`. */
export const parseBreakdownQuery = rangedQuery(breakdownSchema);
