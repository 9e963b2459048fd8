import { mockCredentials } from '@backstage/backend-test-utils';
import type { CallInput } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  ALICE,
  BOB,
  PluginRoute,
  discoverRoutes,
  llmUsageTableCounts,
  startLlmUsageBackend,
} from '../__testUtils__/pluginHarness';

/*
 * Every route of the plugin, found by walking the Express stack, receives a
 * generated set of bad inputs. A route added later is covered without editing
 * this file. The rules:
 *   - never a 5xx;
 *   - a bad value gets a 4xx whose message names the parameter or field;
 *   - nothing is stored (row counts of every llm_usage_* table unchanged);
 *   - hostile but valid values (injection strings, unicode) answer 200 (or a
 *     400 naming the parameter, or 404 for an id) and match nothing they
 *     should not.
 */

jest.setTimeout(600_000);

const databases = createTestDatabases();
const BASE = '/api/llm-usage';
const DAY = 86_400_000;
const NOW = Date.now();
const iso = (offsetMs: number) => new Date(NOW - offsetMs).toISOString();

const UNRESOLVED_ID = 'no-such-id';
const SQL_INJECTION = "'; DROP TABLE llm_usage_calls; --";
const SCRIPT_INJECTION = '<script>alert(1)</script>';

function call(overrides: Partial<CallInput> = {}): CallInput {
  return {
    id: `seed-${Math.random().toString(36).slice(2)}`,
    timestamp: iso(3_600_000),
    userRef: ALICE,
    projectId: 'alpha',
    provider: 'openai',
    model: 'gpt-4o',
    type: 'chat',
    status: 'success',
    durationMs: 800,
    inputTokens: 10,
    outputTokens: 5,
    cost: '0.25',
    currency: 'USD',
    ...overrides,
  };
}

const SEED: CallInput[] = [
  call({ id: 'seed-a1' }),
  call({ id: 'seed-a2', status: 'failed', errorReason: 'rate_limit' }),
  call({ id: 'seed-b1', userRef: BOB, projectId: 'beta', cost: '1.5' }),
  call({
    id: 'seed-b2',
    userRef: BOB,
    projectId: 'beta',
    timestamp: iso(40 * DAY),
    currency: 'CNY',
  }),
];

/**
 * Query parameters no route takes: a 400 naming the parameter. Bad values of
 * the parameters a route does take are generated from its schema, in
 * generatedBadInput.test.ts (issue 15 item 9 replaced the hand-picked list).
 */
const BAD_QUERY: Array<[string, string | string[] | Record<string, string>]> = [
  ['colour', 'red'],
  ['colour', ['red', 'blue']],
  [SQL_INJECTION, '1'],
];

/** Values a route may require before it validates the rest. */
const VALID_QUERY: Record<string, string> = {
  from: iso(7 * DAY),
  to: iso(0),
  interval: 'day',
  tz: 'UTC',
};

/** Combinations that are wrong together: a 400 naming one of them. */
const BAD_RANGES: Array<[Record<string, string>, string[]]> = [
  [{ from: iso(0), to: iso(DAY) }, ['from', 'to']],
  [{ from: iso(DAY), to: iso(DAY) }, ['from', 'to']],
];

/**
 * Hostile values that may be legitimate for a free-text parameter: 200 (and
 * then they match nothing), or a 400 naming the parameter.
 */
const HOSTILE_TEXT = [
  SQL_INJECTION,
  "' OR '1'='1",
  SCRIPT_INJECTION,
  '项目🚀',
  '%',
  '_',
  '\\',
  'a\u0000b',
  '\u202e\u0000',
];

/** Path parameter values: a 4xx or, for hostile-but-valid ones, 200. */
const BAD_PATH_VALUES = [
  'x'.repeat(300),
  '%20%20',
  'a%00b',
  '%E0%A4%A',
  encodeURIComponent(SQL_INJECTION),
  encodeURIComponent('项目🚀'),
  encodeURIComponent(SCRIPT_INJECTION),
  '..%2F..%2Fetc%2Fpasswd',
];

/** Bodies no JSON route may accept. */
const BAD_BODIES: Array<[string, string, string]> = [
  ['truncated JSON', 'application/json', '[{"id": '],
  ['an unterminated object', 'application/json', '{'],
  ['a bare word', 'application/json', 'nul'],
  ['trailing garbage', 'application/json', '{"a":1}}'],
  ['null', 'application/json', 'null'],
  ['a number', 'application/json', '42'],
  ['a string', 'application/json', '"text"'],
  ['true', 'application/json', 'true'],
  ['an array of nulls', 'application/json', '[null]'],
  ['an array of numbers', 'application/json', '[42, 43]'],
  ['nested arrays', 'application/json', '[[]]'],
  [
    'deeply nested arrays',
    'application/json',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
  ],
  ['a huge string', 'application/json', JSON.stringify('z'.repeat(2_000_000))],
  [
    'a prototype pollution attempt',
    'application/json',
    '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
  ],
  ['form data', 'application/x-www-form-urlencoded', 'a=1&b=2'],
  ['plain text', 'text/plain', 'hello'],
];

/**
 * Valid bodies of routes whose fields are mutated one at a time. Routes
 * without an example still get every bad body above.
 */
const BODY_EXAMPLES: Record<string, () => unknown> = {
  'POST /calls': () => [call({ id: 'example-call', errorReason: 'none' })],
};

/** Fields of an example without which the body is invalid. */
const REQUIRED_FIELDS: Record<string, string[]> = {
  'POST /calls': [
    'id',
    'timestamp',
    'userRef',
    'projectId',
    'provider',
    'model',
  ],
};

/** Bad bodies a route legitimately accepts, by route and case label. */
const ACCEPTED_BODIES: Record<string, string[]> = {
  // An export request without spans is valid OTLP: 200 with nothing stored.
  'POST /ingest/otlp/v1/traces': ['a prototype pollution attempt'],
};

/**
 * Findings reported to the lead and not fixed yet, matched against the
 * request description: these requests are not sent. Remove an entry once its
 * route is fixed.
 */
const KNOWN_FINDINGS: Array<{ pattern: RegExp; finding: string }> = [
  {
    pattern: /^GET \/reconciliation(\/export)?\?from=([^&]*)&to=\2$/,
    finding:
      'intended: reconciliation (and its export) counts whole days inclusively, so from = to is one day',
  },
];

const isKnownFinding = (description: string) =>
  KNOWN_FINDINGS.some(({ pattern }) => pattern.test(description));

/** The example without each required field in turn. */
function missingFieldMutations(example: unknown, required: string[]) {
  const isBatch = Array.isArray(example);
  const item = (isBatch ? example[0] : example) as Record<string, unknown>;
  return required.map(field => {
    const { [field]: _removed, ...rest } = item;
    return {
      label: `${field} missing`,
      field,
      body: isBatch ? [rest] : rest,
    };
  });
}

/** Shape mutations of an example body, with the field each must name. */
function fieldMutations(
  example: unknown,
): Array<{ label: string; field: string; body: unknown }> {
  const isBatch = Array.isArray(example);
  const item = (isBatch ? example[0] : example) as Record<string, unknown>;
  const wrap = (mutated: Record<string, unknown>) =>
    isBatch ? [mutated, ...(example as unknown[]).slice(1)] : mutated;
  // Bad values of each field are generated from the route's schema
  // (generatedBadInput.test.ts); what is left is the body's own shape.
  const mutations: Array<{ label: string; field: string; body: unknown }> = [];
  mutations.push({
    label: 'an unknown field',
    field: 'injected',
    body: wrap({ ...item, injected: SQL_INJECTION }),
  });
  if (isBatch) {
    mutations.push({
      label: 'an object where an array is expected',
      field: 'array',
      body: item,
    });
  } else {
    mutations.push({
      label: 'an array where an object is expected',
      field: 'object',
      body: [item],
    });
  }
  return mutations;
}

interface Answer {
  status: number;
  message: string;
  body: any;
}

/** Backstage's error body, or the google.rpc.Status the OTLP route answers. */
function answerOf(res: request.Response): Answer {
  let message = '';
  if (typeof res.body?.error?.message === 'string') {
    message = res.body.error.message;
  } else if (
    typeof res.body?.code === 'number' &&
    typeof res.body?.message === 'string'
  ) {
    message = res.body.message;
  }
  return { status: res.status, message, body: res.body };
}

const describeRequest = (method: string, url: string, note = '') =>
  `${method} ${url.length > 160 ? `${url.slice(0, 160)}…` : url}${
    note ? ` (${note})` : ''
  }`;

describe.each(databases.eachSupportedId())('bad input on %p', databaseId => {
  let server: Server;
  let knex: Knex;
  let routes: PluginRoute[];
  const principals: Record<string, () => string> = {
    admin: () => mockCredentials.user.header(ADMIN),
    service: () => mockCredentials.service.header(),
  };
  const principalOf = new Map<string, string>();
  const pathValues = new Map<string, string>();

  const send = async (
    method: string,
    url: string,
    auth: string,
    body?: { type: string; data: string | object },
  ): Promise<Answer> => {
    let req = request(server)
      [method.toLowerCase() as 'get'](`${BASE}${url}`)
      .set('Authorization', auth);
    if (body) req = req.set('Content-Type', body.type).send(body.data as any);
    return answerOf(await req);
  };

  /** Fills path parameters with a real id where the parent list has one. */
  // Parameters that no listing names: a valid value, so that a bad value in
  // one parameter is judged on its own.
  const KNOWN_PATH_VALUES: Record<string, string> = {
    projectId: 'alpha',
    kind: 'component',
    namespace: 'default',
  };

  async function fillPath(path: string): Promise<string> {
    const parts = path.split('/');
    const filled: string[] = [];
    for (const part of parts) {
      if (!part.startsWith(':')) {
        filled.push(part);
        continue;
      }
      const name = part.slice(1);
      if (!pathValues.has(name)) {
        let value = UNRESOLVED_ID;
        if (KNOWN_PATH_VALUES[name]) {
          value = KNOWN_PATH_VALUES[name];
        } else {
          const listing = await send(
            'GET',
            filled.join('/'),
            principals.admin(),
          );
          const items = Array.isArray(listing.body)
            ? listing.body
            : listing.body?.items;
          if (listing.status === 200 && items?.[0]?.id) {
            value = String(items[0].id);
          }
        }
        pathValues.set(name, value);
      }
      filled.push(encodeURIComponent(pathValues.get(name)!));
    }
    return filled.join('/');
  }

  const routeId = (route: PluginRoute) => `${route.method} ${route.path}`;

  const baseQueries = new Map<string, Record<string, string>>();

  /**
   * The valid query a route needs before it looks at anything else (some
   * require a range): found by adding what its 400 names, one at a time.
   */
  async function baseQueryFor(route: PluginRoute, path: string, auth: string) {
    const key = routeId(route);
    if (!baseQueries.has(key)) {
      const base: Record<string, string> = {};
      for (let i = 0; i < Object.keys(VALID_QUERY).length; i++) {
        const answer = await send(
          'GET',
          `${path}?${new URLSearchParams(base)}`,
          auth,
        );
        const missing =
          answer.status === 400 &&
          Object.keys(VALID_QUERY).find(
            name => !(name in base) && answer.message.includes(`'${name}'`),
          );
        if (!missing) break;
        base[missing] = VALID_QUERY[missing];
      }
      baseQueries.set(key, base);
    }
    return baseQueries.get(key)!;
  }

  /** The base query with `query` laid over it (arrays repeat, objects nest). */
  const queryString = (
    base: Record<string, string>,
    query: Record<string, unknown>,
  ) => {
    const qs = new URLSearchParams();
    for (const [name, value] of Object.entries(base)) {
      if (!(name in query)) qs.append(name, value);
    }
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) {
        for (const v of value) qs.append(name, v);
      } else if (typeof value === 'object' && value) {
        for (const [k, v] of Object.entries(value)) {
          qs.append(`${name}[${k}]`, String(v));
        }
      } else {
        qs.append(name, String(value));
      }
    }
    return qs.toString();
  };

  /** The first principal the route does not refuse outright. */
  async function principalFor(route: PluginRoute): Promise<string> {
    const key = routeId(route);
    if (!principalOf.has(key)) {
      let chosen = 'admin';
      for (const name of Object.keys(principals)) {
        const answer = await send(
          route.method,
          await fillPath(route.path),
          principals[name](),
          route.method === 'GET'
            ? undefined
            : { type: 'application/json', data: '{}' },
        );
        if (answer.status !== 401 && answer.status !== 403) {
          chosen = name;
          break;
        }
      }
      principalOf.set(key, chosen);
    }
    return principals[principalOf.get(key)!]();
  }

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    ({ server } = await startLlmUsageBackend(knex));
    routes = discoverRoutes(server).filter(r => !r.path.startsWith('/.'));
    const seeded = await request(server)
      .post(`${BASE}/calls`)
      .set('Authorization', mockCredentials.service.header())
      .send(SEED);
    if (seeded.status !== 200) {
      throw new Error(`Seeding failed: ${seeded.status} ${seeded.text}`);
    }
  });

  /** Runs `cases` on a route and returns what broke the rules, if anything. */
  async function checkRoute(
    route: PluginRoute,
    cases: () => Promise<string[]>,
  ): Promise<string[]> {
    // A download is recorded in the audit trail (issue 6): that row is expected.
    const counted = async () => {
      const counts = await llmUsageTableCounts(knex);
      if (route.path.endsWith('/export')) delete counts.llm_usage_audit_events;
      return counts;
    };
    const before = await counted();
    const failures = await cases();
    const after = await counted();
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      failures.push(
        `${routeId(route)}: stored something: ${JSON.stringify(
          before,
        )} → ${JSON.stringify(after)}`,
      );
    }
    return failures;
  }

  const namesOneOf = (answer: Answer, names: string[]) =>
    answer.status >= 400 &&
    answer.status < 500 &&
    names.some(name => answer.message.includes(name));

  it('finds the routes of every router the plugin mounts', () => {
    const ids = routes.map(routeId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'POST /calls',
        'GET /usage/overview',
        'GET /usage/projects',
        'GET /usage/trends',
        'GET /usage/projects/:projectId/stats',
        'GET /usage/projects/:projectId/trends',
        'GET /usage/projects/:projectId/models',
        'GET /usage/projects/:projectId/calls',
      ]),
    );
  });

  it('answers bad query parameters of every GET route with a 400 naming them', async () => {
    const failures: string[] = [];
    for (const route of routes.filter(r => r.method === 'GET')) {
      const auth = await principalFor(route);
      const path = await fillPath(route.path);
      failures.push(
        ...(await checkRoute(route, async () => {
          const found: string[] = [];
          const base = await baseQueryFor(route, path, auth);
          // Every route, those that take no parameters too: the OpenAPI
          // spec refuses a parameter it does not name.
          const acceptable = (answer: Answer, names: string[]) => {
            return (
              (answer.status === 400 && namesOneOf(answer, names)) ||
              // An id the harness could not find: 404 comes first.
              (path.includes(UNRESOLVED_ID) && answer.status === 404)
            );
          };
          const cases: Array<[Record<string, unknown>, string[]]> = [
            ...BAD_QUERY.map(
              ([name, value]): [Record<string, unknown>, string[]] => [
                { [name]: value },
                [name],
              ],
            ),
            ...BAD_RANGES,
          ];
          for (const [query, names] of cases) {
            const url = `${path}?${queryString(base, query)}`;
            if (isKnownFinding(describeRequest('GET', url))) continue;
            const answer = await send('GET', url, auth);
            if (!acceptable(answer, names)) {
              found.push(
                `${describeRequest('GET', url)} → ${
                  answer.status
                } ${answer.message.slice(
                  0,
                  200,
                )} (expected 400 naming ${names.join(' or ')})`,
              );
            }
          }
          return found;
        })),
      );
    }
    expect(failures).toEqual([]);
  });

  it('answers hostile free text with a 200 that matches nothing, or a 400 naming it', async () => {
    const failures: string[] = [];
    for (const route of routes.filter(r => r.method === 'GET')) {
      const auth = await principalFor(route);
      const path = await fillPath(route.path);
      failures.push(
        ...(await checkRoute(route, async () => {
          const found: string[] = [];
          const base = await baseQueryFor(route, path, auth);
          for (const name of ['search', 'model']) {
            const reference = await send(
              'GET',
              `${path}?${queryString(base, { [name]: 'zz-no-match-zz' })}`,
              auth,
            );
            for (const value of HOSTILE_TEXT) {
              const url = `${path}?${queryString(base, { [name]: value })}`;
              if (isKnownFinding(describeRequest('GET', url))) continue;
              const answer = await send('GET', url, auth);
              const rejected =
                (answer.status === 400 && namesOneOf(answer, [name])) ||
                (path.includes(UNRESOLVED_ID) && answer.status === 404);
              const matchesNothing =
                answer.status === 200 &&
                reference.status === 200 &&
                JSON.stringify(answer.body.items?.length) ===
                  JSON.stringify(reference.body.items?.length);
              if (!rejected && !matchesNothing) {
                found.push(
                  `${describeRequest('GET', url)} → ${
                    answer.status
                  } ${answer.message.slice(0, 200)}`,
                );
              }
            }
          }
          return found;
        })),
      );
    }
    expect(failures).toEqual([]);
  });

  it('answers bad path parameters with a 4xx (or 200 for hostile but valid ids), never a 5xx', async () => {
    const failures: string[] = [];
    for (const route of routes.filter(r => r.path.includes('/:'))) {
      const auth = await principalFor(route);
      const params = route.path.split('/').filter(part => part.startsWith(':'));
      failures.push(
        ...(await checkRoute(route, async () => {
          const found: string[] = [];
          for (const param of params) {
            const name = param.slice(1);
            for (const value of BAD_PATH_VALUES) {
              const url = await fillPath(route.path.replace(param, value));
              if (isKnownFinding(describeRequest(route.method, url))) {
                continue;
              }
              const answer = await send(
                route.method,
                url,
                auth,
                route.method === 'GET'
                  ? undefined
                  : { type: 'application/json', data: '{}' },
              );
              const tooLong = value.length >= 300;
              const ok = tooLong
                ? answer.status === 404 ||
                  (answer.status === 400 && namesOneOf(answer, [name]))
                : answer.status < 500 &&
                  (answer.status < 400 || answer.message !== '');
              if (!ok) {
                found.push(
                  `${describeRequest(route.method, url)} → ${
                    answer.status
                  } ${answer.message.slice(0, 200)}`,
                );
              }
            }
          }
          return found;
        })),
      );
    }
    expect(failures).toEqual([]);
  });

  it('answers bad bodies of every write route with a 4xx and stores nothing', async () => {
    const failures: string[] = [];
    for (const route of routes.filter(r => r.method !== 'GET')) {
      const auth = await principalFor(route);
      const path = await fillPath(route.path);
      failures.push(
        ...(await checkRoute(route, async () => {
          const found: string[] = [];
          for (const [label, type, data] of BAD_BODIES) {
            if (isKnownFinding(describeRequest(route.method, path, label))) {
              continue;
            }
            const answer = await send(route.method, path, auth, {
              type,
              data,
            });
            const accepted =
              answer.status === 200 &&
              (ACCEPTED_BODIES[routeId(route)] ?? []).includes(label);
            if (
              !accepted &&
              (answer.status < 400 ||
                answer.status >= 500 ||
                answer.message === '')
            ) {
              found.push(
                `${describeRequest(route.method, path, label)} → ${
                  answer.status
                } ${answer.message.slice(0, 200)}`,
              );
            }
          }
          expect(({} as any).polluted).toBeUndefined();

          const example = BODY_EXAMPLES[routeId(route)];
          const mutations = example
            ? [
                ...fieldMutations(example()),
                ...missingFieldMutations(
                  example(),
                  REQUIRED_FIELDS[routeId(route)] ?? [],
                ),
              ]
            : [];
          for (const mutation of mutations) {
            if (
              isKnownFinding(
                describeRequest(route.method, path, mutation.label),
              )
            ) {
              continue;
            }
            const answer = await send(route.method, path, auth, {
              type: 'application/json',
              data: JSON.stringify(mutation.body),
            });
            if (
              answer.status !== 400 ||
              !namesOneOf(answer, [mutation.field])
            ) {
              found.push(
                `${describeRequest(route.method, path, mutation.label)} → ${
                  answer.status
                } ${answer.message.slice(0, 200)} (expected 400 naming ${
                  mutation.field
                })`,
              );
            }
          }
          return found;
        })),
      );
    }
    expect(failures).toEqual([]);
  });

  it('still answers the valid requests afterwards, with the seeded data intact', async () => {
    const overview = await send('GET', '/usage/overview', principals.admin());
    expect(overview.status).toBe(200);
    expect(overview.body.current.calls).toBe(3);
    const example = await request(server)
      .post(`${BASE}/calls`)
      .set('Authorization', principals.service())
      .send(BODY_EXAMPLES['POST /calls']() as object);
    expect(example.status).toBe(200);
    expect(example.body.inserted).toBe(1);
  });
});
