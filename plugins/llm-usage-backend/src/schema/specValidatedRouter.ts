import { InputError } from '@backstage/errors';
import type express from 'express';
import Router from 'express-promise-router';
import * as OpenApiValidator from 'express-openapi-validator';
import { spec } from './openapi';
import type { PathTemplate, internal } from '@backstage/backend-openapi-utils';

export interface SpecValidatedRouterOptions {
  /**
   * Parses JSON bodies before the spec checks them (limits, NUL rejection);
   * without it the body is whatever an earlier router parsed.
   */
  bodyParser?: express.RequestHandler | express.RequestHandler[];
  /** Where the body parser applies; everywhere when absent. */
  bodyPaths?: string[];
  /**
   * Spec paths whose JSON body the route checks itself (ingestion's per-call
   * schema and bounds, shared with the gateway adapters); their parameters
   * are still checked against the spec.
   */
  bodiesCheckedByRoute?: string[];
}

type Doc = typeof spec;
type DocPath = keyof Doc['paths'] & string;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type PathsWith<M extends Method> = {
  [P in DocPath]: M extends keyof Doc['paths'][P] ? P : never;
}[DocPath];

/**
 * A request typed by the spec: its path parameters and JSON body. The query
 * stays the strings as sent (`ParsedQs`), which the route parsers turn into
 * values, so it is not typed as the coerced values the spec describes.
 */
export type SpecRequest<
  P extends DocPath,
  M extends Method,
> = M extends internal.DocPathMethod<Doc, P>
  ? express.Request<
      internal.PathSchema<Doc, P, M>,
      unknown,
      internal.RequestBodyToJsonSchema<Doc, P, M>
    >
  : never;

type SpecRoute<M extends Method> = <T extends PathTemplate<PathsWith<M>>>(
  path: T,
  ...handlers: Array<
    (
      req: SpecRequest<internal.TemplateToDocPath<Doc, T>, M>,
      res: express.Response,
      next: express.NextFunction,
    ) => unknown
  >
) => SpecRouter;

/**
 * A router whose routes are those of the spec, with requests typed by it
 * (as `createOpenApiRouter`'s `ApiRouter`, whose response types would need
 * every response schema closed to accept the -common interfaces).
 */
export interface SpecRouter
  extends Omit<express.Router, Method>,
    express.RequestHandler {
  get: SpecRoute<'get'>;
  post: SpecRoute<'post'>;
  put: SpecRoute<'put'>;
  patch: SpecRoute<'patch'>;
  delete: SpecRoute<'delete'>;
}

const RAW_QUERY = Symbol('rawQuery');

/**
 * The spec cut down to the given paths and the schemas they use: the
 * validator compiles every schema it is given, which for the whole spec costs
 * more than a second at start-up, and undocumented paths are not checked.
 */
export function specFor(
  paths: string[],
  bodiesCheckedByRoute: string[] = [],
): typeof spec {
  const allPaths = spec.paths as Record<string, unknown>;
  const allSchemas = spec.components.schemas as Record<string, unknown>;
  const schemas: Record<string, unknown> = {};
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const name =
          key === '$ref' && typeof inner === 'string'
            ? /^#\/components\/schemas\/(.+)$/.exec(inner)?.[1]
            : undefined;
        if (name && !(name in schemas)) {
          schemas[name] = allSchemas[name];
          visit(allSchemas[name]);
        } else {
          visit(inner);
        }
      }
    }
  };
  const withoutBodies = (item: unknown) =>
    Object.fromEntries(
      Object.entries(item as Record<string, object>).map(([method, op]) => {
        const { requestBody: _checkedByRoute, ...rest } = op as {
          requestBody?: unknown;
        };
        return [method, rest];
      }),
    );
  const kept = Object.fromEntries(
    paths.map(path => [
      path,
      bodiesCheckedByRoute.includes(path)
        ? withoutBodies(allPaths[path])
        : allPaths[path],
    ]),
  );
  visit(kept);
  visit(spec.components.parameters);
  visit(spec.components.responses);
  return {
    ...spec,
    paths: kept,
    components: { ...spec.components, schemas },
  } as unknown as typeof spec;
}

type WithRawQuery = express.Request & { [RAW_QUERY]?: unknown };

const LOCATIONS: Record<string, string> = {
  query: 'query parameter',
  params: 'path parameter',
  body: 'field',
};

/**
 * The validator's `request/query/limit must be <= 200` in the form the rest
 * of the API uses: `Invalid query parameter 'limit': must be <= 200`. A
 * missing value is named itself: `request/body must have required property
 * 'name'` is `Invalid field 'name': is required`.
 */
export function fieldNamingMessage(message: string): string {
  // The validator joins every error it found with ', ' (a body matching
  // none of a union's shapes has one per shape): each names its field.
  const named = message
    .split(/, (?=request\/)/)
    .map(oneFieldMessage)
    .filter(text => !/^Invalid field 'body': must match /.test(text));
  return [...new Set(named)].join('; ') || oneFieldMessage(message);
}

function oneFieldMessage(message: string): string {
  const named =
    /^(Unknown|Empty value found for) query parameter '([^']*)'$/.exec(message);
  if (named) {
    const [, problem, name] = named;
    return `Invalid query parameter '${name}': ${
      problem === 'Unknown' ? 'not a parameter of this route' : 'is empty'
    }`;
  }
  const match = /^request\/(query|params|body)\/?([^\s]*) (.*)$/.exec(message);
  if (!match) return message;
  const [, location, pointer, rest] = match;
  const missing = /^must have required property '([^']+)'$/.exec(rest);
  const parts = pointer.split('/').filter(Boolean);
  if (missing) parts.push(missing[1]);
  const field = parts.join('.') || location;
  return `Invalid ${LOCATIONS[location]} '${field}': ${
    missing ? 'is required' : rest
  }`;
}

/**
 * qs reads `provider[a]=x` as an object, which no parameter of the spec is
 * (and which the validator cannot split as a list): refused naming it.
 */
function rejectObjectQueryValues(
  req: express.Request,
  _res: express.Response,
  next: express.NextFunction,
) {
  const name = Object.entries(req.query).find(
    ([, value]) => value && typeof value === 'object' && !Array.isArray(value),
  )?.[0];
  next(
    name
      ? new InputError(
          `Invalid query parameter '${name}': must be a value or a list of values`,
        )
      : undefined,
  );
}

/**
 * One validator per set of paths for the whole process: it compiles its
 * schemas on first use, which costs about half a second, and holds no
 * per-request state, so every backend instance (tests start many) shares it.
 * The options are those of `createOpenApiRouter`, whose router would also
 * answer `GET /openapi.json` with the cut-down spec.
 */
const validators = new Map<string, express.RequestHandler[]>();

type ValidatorOptions = Parameters<typeof OpenApiValidator.middleware>[0];

function validatorFor(
  paths: string[],
  bodiesCheckedByRoute: string[],
): express.RequestHandler[] {
  const key = [...paths, '', ...bodiesCheckedByRoute].join('\n');
  let validator = validators.get(key);
  if (!validator) {
    validator = OpenApiValidator.middleware({
      apiSpec: specFor(
        paths,
        bodiesCheckedByRoute,
      ) as unknown as ValidatorOptions['apiSpec'],
      validateRequests: {
        coerceTypes: false,
        allowUnknownQueryParameters: false,
      },
      useRequestUrl: true,
      ignoreUndocumented: true,
      validateResponses: false,
      // Authentication is the httpAuth service's, answered with a 401.
      validateSecurity: false,
      // Checked by `yarn openapi:check` (repo-tools validate and lint).
      validateApiSpec: false,
    });
    validators.set(key, validator);
  }
  return validator;
}

/**
 * The spec paths of the routes a router declares (`/keys/:id` is
 * `/keys/{id}`): what it serves is what its validator checks, so no list of
 * paths is kept beside the routes.
 */
export function specPathsOf(router: Pick<express.Router, 'stack'>): string[] {
  const known = new Set(Object.keys(spec.paths));
  const paths = new Set<string>();
  for (const layer of router.stack) {
    const route = (layer as { route?: { path?: unknown } }).route;
    if (typeof route?.path !== 'string') continue;
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    if (known.has(path)) paths.add(path);
  }
  return [...paths];
}

/**
 * Every router of the plugin: a router whose requests are first validated against the OpenAPI spec
 * (parameters, enums, bounds, unknown query parameters), with a 400 that
 * names the field. The routes still parse their input with their zod schemas,
 * which add what a spec cannot say (one date before another, a cursor's
 * signature, a zone's validity) and turn strings into typed values.
 * Its handlers are typed by the spec: a route the spec lacks, a method it
 * does not name or a path parameter it does not declare fails the type check.
 */
export async function createSpecValidatedRouter(
  options: SpecValidatedRouterOptions = {},
): Promise<SpecRouter> {
  const router = Router();
  if (options.bodyParser) {
    router.use(options.bodyPaths ?? '/', options.bodyParser);
  }
  // The validator coerces query values in place ('25' becomes 25); the
  // route parsers read the strings as sent.
  router.use((req: WithRawQuery, _res, next) => {
    req[RAW_QUERY] = structuredClone(req.query);
    next();
  });
  // Its own router, so that its error handler sees only the validator's
  // errors, never the body parser's (a 413 stays a 413). Built on the first
  // request, once the routes are declared.
  let check: express.Router | undefined;
  router.use((req, res, next) => {
    check ??= checkerFor(
      specPathsOf(router),
      options.bodiesCheckedByRoute ?? [],
    );
    check(req, res, next);
  });
  router.use((req: WithRawQuery, _res, next) => {
    if (RAW_QUERY in req) {
      req.query = req[RAW_QUERY] as express.Request['query'];
      delete req[RAW_QUERY];
    }
    next();
  });
  return router as unknown as SpecRouter;
}

function checkerFor(
  paths: string[],
  bodiesCheckedByRoute: string[],
): express.Router {
  const check = Router();
  if (paths.length === 0) return check;
  check.use(rejectObjectQueryValues, validatorFor(paths, bodiesCheckedByRoute));
  check.use(
    (
      error: Error,
      _req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if ((error as { status?: number }).status === 405) {
        // A method the spec does not name on a served path: routing goes on
        // and answers 404, as it did before the spec was checked.
        next();
        return;
      }
      // Any other validator error is bad input (an unknown parameter, a
      // value outside the spec), answered as the rest of the API answers it.
      next(new InputError(fieldNamingMessage(error.message)));
    },
  );
  return check;
}
