import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/**
 * Parses a request body (`field`), query (`query parameter`) or path
 * parameter with a zod schema; the first issue becomes an InputError (400)
 * naming the field.
 */
function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: 'field' | 'query parameter' | 'path parameter',
  /** What an issue on the value itself is named by. */
  name = what === 'field' ? 'body' : 'query',
): z.output<T> {
  if (what === 'field' && (typeof value !== 'object' || value === null)) {
    throw new InputError('The request body must be a JSON object');
  }
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.join('.') || name;
    throw new InputError(`Invalid ${what} '${path}': ${issue.message}`);
  }
  return result.data;
}

/**
 * Parses a JSON request body with a zod schema; a request without a body is
 * an empty object, so that bodies whose fields are all optional may be left out.
 */
export function parseBody<T extends z.ZodTypeAny>(
  schema: T,
  body: unknown,
): z.output<T> {
  return parseInput(schema, body ?? {}, 'field');
}

/**
 * A zod refinement for queries with optional epoch `from` / `to`: a range
 * that ends before it starts (or, unless `allowEqual`, is empty) is refused
 * with an issue on `from`.
 */
export function rangeInOrder(options: { allowEqual?: boolean } = {}) {
  return (query: { from?: number; to?: number }, ctx: z.RefinementCtx) => {
    const { from, to } = query;
    if (from === undefined || to === undefined) return;
    if (from > to || (from === to && !options.allowEqual)) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: options.allowEqual
          ? 'must not be after to'
          : 'must be before to',
      });
    }
  };
}

/** Parses a query string with a zod schema; the first issue names the parameter. */
export function parseQuery<T extends z.ZodTypeAny>(
  schema: T,
  query: unknown,
): z.output<T> {
  return parseInput(schema, query, 'query parameter');
}

/** A query parameter holding a whole number within bounds. */
export function wholeNumberParam(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be at least ${min}`)
        .max(max, `must be at most ${max}`),
    );
}

/** Parses one path parameter with a zod schema; an issue names it. */
export function parsePathParam<T extends z.ZodTypeAny>(
  schema: T,
  name: string,
  value: unknown,
): z.output<T> {
  return parseInput(schema, value, 'path parameter', name);
}
