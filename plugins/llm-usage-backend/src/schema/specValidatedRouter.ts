import { InputError } from '@backstage/errors';
import type express from 'express';
import Router from 'express-promise-router';
import * as OpenApiValidator from 'express-openapi-validator';
import { spec } from './openapi';

export interface SpecValidatedRouterOptions {
  /** Parses the body before the spec checks it (limits, NUL rejection). */
  bodyParser: express.RequestHandler | express.RequestHandler[];
  /**
   * The spec paths this router serves (`/usage/projects/{projectId}/stats`).
   * Requests for other routes pass through it on their way to their own
   * router, so the spec checks only these.
   */
  paths: Array<keyof typeof spec.paths>;
}

const RAW_QUERY = Symbol('rawQuery');

/**
 * The spec cut down to the given paths and the schemas they use: the
 * validator compiles every schema it is given, which for the whole spec costs
 * more than a second at start-up, and undocumented paths are not checked.
 */
export function specFor(paths: string[]): typeof spec {
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
  const kept = Object.fromEntries(paths.map(path => [path, allPaths[path]]));
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
 * of the API uses: `Invalid query parameter 'limit': must be <= 200`.
 */
export function fieldNamingMessage(message: string): string {
  const match = /^request\/(query|params|body)\/?([^\s]*) (.*)$/.exec(message);
  if (!match) return message;
  const [, location, pointer, rest] = match;
  const field = pointer.split('/').filter(Boolean).join('.') || location;
  return `Invalid ${LOCATIONS[location]} '${field}': ${rest}`;
}

/**
 * A router whose requests are first validated against the OpenAPI spec
 * (parameters, enums, bounds, unknown query parameters), with a 400 that
 * names the field. The routes still parse their input with their zod schemas,
 * which add what a spec cannot say (one date before another, a cursor's
 * signature, a zone's validity) and turn strings into typed values.
 */
/**
 * One validator per set of paths for the whole process: it compiles its
 * schemas on first use, which costs about half a second, and holds no
 * per-request state, so every backend instance (tests start many) shares it.
 * The options are those of `createOpenApiRouter`, whose router would also
 * answer `GET /openapi.json` with the cut-down spec.
 */
const validators = new Map<string, express.RequestHandler[]>();

type ValidatorOptions = Parameters<typeof OpenApiValidator.middleware>[0];

function validatorFor(paths: string[]): express.RequestHandler[] {
  const key = paths.join('\n');
  let validator = validators.get(key);
  if (!validator) {
    validator = OpenApiValidator.middleware({
      apiSpec: specFor(paths) as unknown as ValidatorOptions['apiSpec'],
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

export async function createSpecValidatedRouter(
  options: SpecValidatedRouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(options.bodyParser);
  // The validator coerces query values in place ('25' becomes 25); the
  // route parsers read the strings as sent.
  router.use((req: WithRawQuery, _res, next) => {
    req[RAW_QUERY] = structuredClone(req.query);
    next();
  });
  // Its own router, so that its error handler sees only the validator's
  // errors, never the body parser's (a 413 stays a 413).
  const check = Router();
  check.use(validatorFor(options.paths));
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
  router.use(check);
  router.use((req: WithRawQuery, _res, next) => {
    if (RAW_QUERY in req) {
      req.query = req[RAW_QUERY] as express.Request['query'];
      delete req[RAW_QUERY];
    }
    next();
  });
  // The spec-typed handlers of `createOpenApiRouter` would need the response
  // schemas closed (`additionalProperties: false`) for the -common interfaces
  // to fit them; until then the routes are typed by -common, as before.
  return router;
}
