import express from 'express';
import request from 'supertest';
import {
  createSpecValidatedRouter,
  fieldNamingMessage,
  specFor,
  specPathsOf,
} from './specValidatedRouter';

async function app() {
  const router = await createSpecValidatedRouter({
    bodyParser: express.json({ limit: '10b' }),
  });

  router.get('/usage/projects', (req, res) => {
    res.json({ query: req.query });
  });
  router.get('/usage/trends', (req, res) => {
    res.json({ query: req.query });
  });
  // Served by another router: passes through this one unchecked.
  const elsewhere = express.Router();
  elsewhere.get('/usage/overview', (req, res) => {
    res.json({ query: req.query });
  });
  const outer = express();
  outer.use('/api/llm-usage', router, elsewhere);
  outer.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res
        .status(error.name === 'InputError' ? 400 : 500)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  return outer;
}

describe('createSpecValidatedRouter', () => {
  it('hands the routes the query strings as sent', async () => {
    const res = await request(await app()).get(
      '/api/llm-usage/usage/projects?limit=25&sort=cost&search=chat',
    );
    expect(res.status).toBe(200);
    expect(res.body.query).toEqual({
      limit: '25',
      sort: 'cost',
      search: 'chat',
    });
  });

  it.each([
    ['sort=vibes', "Invalid query parameter 'sort': must be equal to one of"],
    ['limit=100000', "Invalid query parameter 'limit': must be <= 200"],
    ['offset=abc', "Invalid query parameter 'offset': must be integer"],
    ['from[]=a', "Invalid query parameter 'from': must be string"],
    ['colour=red', "Invalid query parameter 'colour': not a parameter of"],
    ['sort[a]=cost', "Invalid query parameter 'sort': must be a value"],
  ])('answers %s with a 400 naming the parameter', async (query, message) => {
    const res = await request(await app()).get(
      `/api/llm-usage/usage/projects?${query}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
  });

  it('checks only the paths it serves', async () => {
    const res = await request(await app()).get(
      '/api/llm-usage/usage/overview?colour=red',
    );
    expect(res.status).toBe(200);
    expect(res.body.query).toEqual({ colour: 'red' });
  });

  it("leaves the body parser's errors as they are", async () => {
    const res = await request(await app())
      .get('/api/llm-usage/usage/projects')
      .set('Content-Type', 'application/json')
      .send('{"longer": "than ten bytes"}');
    expect(res.status).toBe(500);
    expect(res.body.error.name).not.toBe('InputError');
  });

  it('answers a method the spec does not name as no route', async () => {
    const res = await request(await app()).post(
      '/api/llm-usage/usage/projects',
    );
    expect(res.status).toBe(404);
  });

  it('leaves authentication to the routes', async () => {
    const res = await request(await app()).get(
      '/api/llm-usage/usage/trends?interval=week',
    );
    expect(res.status).toBe(200);
  });
});

describe('specPathsOf', () => {
  it('names the spec paths of the routes a router declares', async () => {
    const router = await createSpecValidatedRouter();
    router.get('/keys/:id', (_req, res) => res.end());
    router.delete('/keys/:id', (_req, res) => res.end());
    router.post('/keys/:id/enable', (_req, res) => res.end());
    expect(specPathsOf(router)).toEqual(['/keys/{id}', '/keys/{id}/enable']);
  });
});

describe('specFor', () => {
  it('keeps the given paths and the schemas they reach', () => {
    const cut = specFor(['/usage/projects/{projectId}/calls']);
    expect(Object.keys(cut.paths)).toEqual([
      '/usage/projects/{projectId}/calls',
    ]);
    const schemas = Object.keys(cut.components.schemas);
    // The response, what it refers to, and the parameters' enums.
    expect(schemas).toEqual(
      expect.arrayContaining([
        'CallListResponse',
        'CallRecord',
        'CallStatus',
        'ErrorResponse',
      ]),
    );
    expect(schemas).not.toContain('ApiKey');
  });
});

describe('fieldNamingMessage', () => {
  it('names the field of a body, a path and a query', () => {
    expect(fieldNamingMessage('request/body/keyIds/0 must be string')).toBe(
      "Invalid field 'keyIds.0': must be string",
    );
    expect(
      fieldNamingMessage('request/params/projectId must NOT be shorter'),
    ).toBe("Invalid path parameter 'projectId': must NOT be shorter");
    expect(
      fieldNamingMessage("request/query must have required property 'to'"),
    ).toBe("Invalid query parameter 'to': is required");
    expect(
      fieldNamingMessage(
        "request/body/limit must have required property 'currency'",
      ),
    ).toBe("Invalid field 'limit.currency': is required");
    expect(
      fieldNamingMessage(
        'request/body/type must be equal to constant, request/body/params must NOT have additional properties, request/body must match a schema in anyOf',
      ),
    ).toBe(
      "Invalid field 'type': must be equal to constant; Invalid field 'params': must NOT have additional properties",
    );
    expect(
      fieldNamingMessage("Empty value found for query parameter 'ids'"),
    ).toBe("Invalid query parameter 'ids': is empty");
    expect(fieldNamingMessage("Unknown query parameter 'x'")).toBe(
      "Invalid query parameter 'x': not a parameter of this route",
    );
  });
});
