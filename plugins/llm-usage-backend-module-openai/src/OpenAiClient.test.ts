import { mockServices } from '@backstage/backend-test-utils';
import {
  ProviderAuthError,
  ProviderNotSupportedError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { delay, http, HttpResponse } from 'msw';
import {
  createProviderTestServer,
  guardLogsAgainst,
} from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import adminKeysFixture from './__fixtures__/openai-admin-api-keys-list.json';
import costsFixture from './__fixtures__/openai-costs.json';
import projectKeysFixture from './__fixtures__/openai-project-api-keys-list.json';
import projectsFixture from './__fixtures__/openai-projects-list.json';
import cookbookBuckets from './__fixtures__/openai-usage-completions.cookbook-buckets.json';
import usageFixture from './__fixtures__/openai-usage-completions.json';
import { OpenAiClient, OpenAiClientOptions } from './OpenAiClient';
import { openAiProvider } from './provider';

const BASE = 'https://api.openai.com/v1';
const ADMIN_KEY = 'sk-admin-THIS-IS-THE-SECRET-1234567890';

const server = createProviderTestServer();
const logs = guardLogsAgainst(['THIS-IS-THE-SECRET']);

function setup(overrides: Partial<OpenAiClientOptions> = {}) {
  const logger = logs.logger();
  const sleep = jest.fn(async (_ms: number) => {});
  const client = new OpenAiClient({
    adminKey: ADMIN_KEY,
    logger,
    sleep,
    random: () => 0.5,
    now: () => Date.parse('2024-04-10T00:00:00Z'),
    ...overrides,
  });
  return { client, sleep };
}

/** Records requests to one path and answers them in order. */
function route(
  method: 'get' | 'delete',
  path: string,
  ...responses: Array<(req: Request) => Response | Promise<Response>>
) {
  const requests: Request[] = [];
  server.use(
    http[method](`${BASE}${path}`, async ({ request }) => {
      requests.push(request);
      const respond =
        responses[Math.min(requests.length, responses.length) - 1];
      return respond(request);
    }),
  );
  return requests;
}

const json = (body: unknown, init?: ResponseInit) => () =>
  HttpResponse.json(body as any, init);
const query = (req: Request) => new URL(req.url).searchParams;

describe('OpenAiClient.listKeys', () => {
  it('lists project keys of every project page and the admin keys', async () => {
    const projects = route(
      'get',
      '/organization/projects',
      json({ ...projectsFixture, has_more: true, last_id: 'proj_abc' }),
      json({
        object: 'list',
        data: [
          {
            id: 'proj_def',
            object: 'organization.project',
            name: 'Second',
            created_at: 1711471533,
            archived_at: null,
            status: 'active',
          },
        ],
        first_id: 'proj_def',
        last_id: 'proj_def',
        has_more: false,
      }),
    );
    const abcKeys = route(
      'get',
      '/organization/projects/proj_abc/api_keys',
      json(projectKeysFixture),
    );
    route(
      'get',
      '/organization/projects/proj_def/api_keys',
      json({
        object: 'list',
        data: [
          // missing optional fields: no owner, no last use, no name
          {
            object: 'organization.project.api_key',
            id: 'key_def',
            redacted_value: 'sk-def...xyz',
            created_at: 1711471600,
            last_used_at: null,
            owner_project_access: 'inactive',
          },
        ],
        first_id: 'key_def',
        last_id: 'key_def',
        has_more: false,
      }),
    );
    const admin = route(
      'get',
      '/organization/admin_api_keys',
      json({
        ...adminKeysFixture,
        data: [{ ...adminKeysFixture.data[0], id: 'key_admin' }],
      }),
    );
    const setupResult = setup();

    const keys = await setupResult.client.listKeys();

    expect(keys).toEqual([
      {
        providerKeyId: 'key_abc',
        name: 'My API Key',
        maskedHint: 'sk-abc...def',
        status: 'active',
        providerProjectId: 'proj_abc',
        createdAt: '2024-03-26T16:45:33.000Z',
        lastUsedAt: '2024-03-26T16:45:34.000Z',
        expiresAt: null,
        limit: null,
        usage: null,
      },
      {
        providerKeyId: 'key_def',
        name: '',
        maskedHint: 'sk-def...xyz',
        status: 'disabled',
        providerProjectId: 'proj_def',
        createdAt: '2024-03-26T16:46:40.000Z',
        lastUsedAt: null,
        expiresAt: null,
        limit: null,
        usage: null,
      },
      {
        providerKeyId: 'key_admin',
        name: 'Main Admin Key',
        maskedHint: 'sk-admin...def',
        // expires_at 1714063533 = 2024-04-25, after "now"
        status: 'active',
        providerProjectId: null,
        createdAt: '2024-03-26T16:45:33.000Z',
        lastUsedAt: '2024-03-26T16:45:34.000Z',
        expiresAt: '2024-04-25T16:45:33.000Z',
        limit: null,
        usage: null,
      },
    ]);
    expect(projects).toHaveLength(2);
    expect(query(projects[0]).get('limit')).toBe('100');
    expect(query(projects[0]).has('after')).toBe(false);
    expect(query(projects[1]).get('after')).toBe('proj_abc');
    expect(projects[0].headers.get('authorization')).toBe(
      `Bearer ${ADMIN_KEY}`,
    );
    expect(query(abcKeys[0]).get('limit')).toBe('100');
    expect(query(admin[0]).get('order')).toBe('asc');
  });

  it('marks an admin key past its expiry as expired', async () => {
    route(
      'get',
      '/organization/projects',
      json({ ...projectsFixture, data: [] }),
    );
    route('get', '/organization/admin_api_keys', json(adminKeysFixture));
    const s = setup({ now: () => Date.parse('2025-01-01T00:00:00Z') });

    const [key] = await s.client.listKeys();

    expect(key).toMatchObject({ providerKeyId: 'key_abc', status: 'expired' });
  });

  it('follows key pages within a project', async () => {
    route('get', '/organization/projects', json(projectsFixture));
    const keyPages = route(
      'get',
      '/organization/projects/proj_abc/api_keys',
      json({ ...projectKeysFixture, has_more: true, last_id: 'key_abc' }),
      json({
        ...projectKeysFixture,
        data: [{ ...projectKeysFixture.data[0], id: 'key_2' }],
      }),
    );
    route(
      'get',
      '/organization/admin_api_keys',
      json({ ...adminKeysFixture, data: [] }),
    );
    const s = setup();

    const keys = await s.client.listKeys();

    expect(keys.map(k => k.providerKeyId)).toEqual(['key_abc', 'key_2']);
    expect(query(keyPages[1]).get('after')).toBe('key_abc');
  });
});

describe('OpenAiClient.deleteKey', () => {
  it('finds the project of the key and deletes it there', async () => {
    route('get', '/organization/projects', json(projectsFixture));
    route(
      'get',
      '/organization/projects/proj_abc/api_keys',
      json(projectKeysFixture),
    );
    const deletes = route(
      'delete',
      '/organization/projects/proj_abc/api_keys/key_abc',
      json({
        object: 'organization.project.api_key.deleted',
        id: 'key_abc',
        deleted: true,
      }),
    );
    const s = setup();

    await s.client.deleteKey('key_abc');

    expect(deletes).toHaveLength(1);
  });

  it('deletes in the given project without listing projects', async () => {
    const listed = route(
      'get',
      '/organization/projects',
      json(projectsFixture),
    );
    const deletes = route(
      'delete',
      '/organization/projects/proj_xyz/api_keys/key_abc',
      json({
        object: 'organization.project.api_key.deleted',
        id: 'key_abc',
        deleted: true,
      }),
    );
    const s = setup();

    await s.client.deleteKey('key_abc', { providerProjectId: 'proj_xyz' });

    expect(deletes).toHaveLength(1);
    expect(listed).toHaveLength(0);
  });

  it('refuses admin keys and treats unknown keys as already gone', async () => {
    route('get', '/organization/projects', json(projectsFixture));
    route(
      'get',
      '/organization/projects/proj_abc/api_keys',
      json(projectKeysFixture),
    );
    route(
      'get',
      '/organization/admin_api_keys',
      json({
        ...adminKeysFixture,
        data: [{ ...adminKeysFixture.data[0], id: 'key_admin' }],
      }),
    );
    const s = setup();

    await expect(s.client.deleteKey('key_admin')).rejects.toBeInstanceOf(
      ProviderNotSupportedError,
    );
    await expect(s.client.deleteKey('key_gone')).resolves.toBeUndefined();
  });
});

/** The usage reports fetchUsage reads besides completions. */
const OTHER_USAGE_KINDS = [
  'embeddings',
  'moderations',
  'images',
  'audio_speeches',
  'audio_transcriptions',
];

const emptyPage = {
  object: 'page',
  data: [],
  has_more: false,
  next_page: null,
};

/** Each test answers the reports it is about; the others report nothing. */
function routeEmptyUsageReports() {
  for (const kind of ['completions', ...OTHER_USAGE_KINDS]) {
    route('get', `/organization/usage/${kind}`, json(emptyPage));
  }
}

describe('OpenAiClient.fetchUsage', () => {
  beforeEach(routeEmptyUsageReports);

  it('follows next_page and maps grouped daily buckets', async () => {
    const pages = route(
      'get',
      '/organization/usage/completions',
      json(usageFixture),
      json({
        object: 'page',
        data: [
          {
            object: 'bucket',
            start_time: 1730505600,
            end_time: 1730592000,
            results: [
              // 2025-era result: no cache-write, image or service_tier fields
              {
                object: 'organization.usage.completions.result',
                input_tokens: 120,
                output_tokens: 30,
                num_model_requests: 3,
                project_id: 'proj_abc',
                user_id: null,
                api_key_id: 'key_abc',
                model: 'gpt-4o-mini-2024-07-18',
                batch: null,
                input_cached_tokens: 20,
                input_audio_tokens: 0,
                output_audio_tokens: 0,
              },
              // the same identity split by a dimension we do not keep
              {
                object: 'organization.usage.completions.result',
                input_tokens: 80,
                output_tokens: 10,
                num_model_requests: 1,
                project_id: 'proj_abc',
                api_key_id: 'key_abc',
                model: 'gpt-4o-mini-2024-07-18',
                batch: true,
              },
            ],
          },
          {
            object: 'bucket',
            start_time: 1730592000,
            end_time: 1730678400,
            results: [],
          },
        ],
        has_more: false,
        next_page: null,
      }),
    );
    const s = setup();

    const records = await s.client.fetchUsage({
      from: '2024-11-01',
      to: '2024-11-03',
    });

    expect(records).toEqual([
      {
        date: '2024-11-01',
        providerKeyId: '',
        model: '',
        providerProjectId: '',
        inputTokens: 1000,
        outputTokens: 500,
        cachedTokens: 400,
        requests: 5,
      },
      {
        date: '2024-11-02',
        providerKeyId: 'key_abc',
        model: 'gpt-4o-mini-2024-07-18',
        providerProjectId: 'proj_abc',
        inputTokens: 200,
        outputTokens: 40,
        cachedTokens: 20,
        requests: 4,
      },
    ]);
    expect(pages).toHaveLength(2);
    const first = query(pages[0]);
    expect(first.get('start_time')).toBe('1730419200');
    expect(first.get('end_time')).toBe('1730678400');
    expect(first.get('bucket_width')).toBe('1d');
    expect(first.getAll('group_by')).toEqual([
      'model',
      'project_id',
      'api_key_id',
    ]);
    expect(first.get('limit')).toBe('31');
    expect(first.has('page')).toBe(false);
    expect(query(pages[1]).get('page')).toBe(
      'page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=',
    );
  });

  it('maps real captured buckets: a first bucket not aligned to the day, empty days', async () => {
    route(
      'get',
      '/organization/usage/completions',
      json({
        object: 'page',
        data: cookbookBuckets.slice(0, 9),
        has_more: true,
        next_page: 'page_2',
      }),
      json({
        object: 'page',
        data: cookbookBuckets.slice(9),
        has_more: false,
        next_page: null,
      }),
    );
    const s = setup();

    const records = await s.client.fetchUsage({
      from: '2025-01-11',
      to: '2025-01-28',
    });

    const nonEmpty = cookbookBuckets.filter(b => b.results.length > 0);
    expect(records).toHaveLength(nonEmpty.length);
    expect(records[0]).toEqual({
      date: '2025-01-11',
      providerKeyId: '',
      model: '',
      providerProjectId: '',
      inputTokens: 141201,
      outputTokens: 9756,
      cachedTokens: 0,
      requests: 470,
    });
    const total = (f: (r: (typeof nonEmpty)[0]['results'][0]) => number) =>
      nonEmpty.reduce(
        (sum, b) => sum + b.results.reduce((s2, r) => s2 + f(r), 0),
        0,
      );
    expect(records.reduce((sum, r) => sum + r.inputTokens, 0)).toBe(
      total(r => r.input_tokens),
    );
    expect(records.map(r => r.date)).not.toContain('2025-01-20'); // an empty bucket
  });

  it('fails without partial data when a later page is malformed', async () => {
    route(
      'get',
      '/organization/usage/completions',
      json(usageFixture),
      () => new HttpResponse('{"object":"page","data":[', { status: 200 }),
    );
    const s = setup();

    await expect(
      s.client.fetchUsage({ from: '2024-11-01', to: '2024-11-01' }),
    ).rejects.toBeInstanceOf(ProviderResponseError);
  });

  it('rejects has_more without next_page', async () => {
    route(
      'get',
      '/organization/usage/completions',
      json({ ...usageFixture, next_page: null }),
    );
    const s = setup();

    await expect(
      s.client.fetchUsage({ from: '2024-11-01', to: '2024-11-01' }),
    ).rejects.toThrow('has_more without next_page');
  });
});

describe('OpenAiClient.fetchUsage of every usage report', () => {
  beforeEach(routeEmptyUsageReports);

  const DAY1 = 1730419200; // 2024-11-01
  const DAY2 = 1730505600;
  const DAY3 = 1730592000;
  const bucket = (start: number, results: unknown[]) => ({
    object: 'bucket',
    start_time: start,
    end_time: start + 86400,
    results,
  });
  const page = (data: unknown[], nextPage: string | null = null) => ({
    object: 'page',
    data,
    has_more: nextPage !== null,
    next_page: nextPage,
  });
  const range = { from: '2024-11-01', to: '2024-11-02' };

  /** Result objects in the shapes of the Admin API reference. */
  const completion = (
    key: string,
    model: string,
    input: number,
    output: number,
    requests: number,
  ) => ({
    object: 'organization.usage.completions.result',
    input_tokens: input,
    input_cached_tokens: 0,
    output_tokens: output,
    num_model_requests: requests,
    project_id: 'proj_abc',
    user_id: null,
    api_key_id: key,
    model,
    batch: null,
  });
  /** A result of `kind` grouped by key and model, in project proj_abc. */
  const grouped = (
    kind: string,
    key: string,
    model: string,
    counts: Record<string, unknown>,
  ) => ({
    object: `organization.usage.${kind}.result`,
    ...counts,
    project_id: 'proj_abc',
    user_id: null,
    api_key_id: key,
    model,
  });
  const tokensOnly =
    (kind: 'embeddings' | 'moderations') =>
    (key: string, model: string, input: number, requests: number) =>
      grouped(kind, key, model, {
        input_tokens: input,
        num_model_requests: requests,
      });
  const embedding = tokensOnly('embeddings');
  const moderation = tokensOnly('moderations');

  function routeAllReports() {
    return {
      completions: route(
        'get',
        '/organization/usage/completions',
        json(
          page([bucket(DAY1, [completion('key_abc', 'gpt-4o', 1000, 200, 4)])]),
        ),
      ),
      // two pages; the same key and model on both days, and split by a
      // dimension we do not keep on the second
      embeddings: route(
        'get',
        '/organization/usage/embeddings',
        json(
          page(
            [
              bucket(DAY1, [
                embedding('key_abc', 'text-embedding-3-small', 16, 2),
              ]),
            ],
            'page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=',
          ),
        ),
        json(
          page([
            bucket(DAY2, [
              embedding('key_abc', 'text-embedding-3-small', 30, 1),
              embedding('key_abc', 'text-embedding-3-small', 70, 3),
            ]),
          ]),
        ),
      ),
      moderations: route(
        'get',
        '/organization/usage/moderations',
        json(
          page([
            bucket(DAY1, [
              moderation('key_def', 'omni-moderation-latest', 12, 3),
            ]),
          ]),
        ),
      ),
      images: route(
        'get',
        '/organization/usage/images',
        json(
          page([
            bucket(DAY1, [
              grouped('images', 'key_abc', 'dall-e-3', {
                images: 2,
                num_model_requests: 2,
                size: '1024x1024',
                source: 'image.generation',
              }),
              // another size of the same key and model
              grouped('images', 'key_abc', 'dall-e-3', {
                images: 4,
                num_model_requests: 1,
                size: '512x512',
                source: 'image.generation',
              }),
            ]),
            bucket(DAY2, []),
          ]),
        ),
      ),
      audio_speeches: route(
        'get',
        '/organization/usage/audio_speeches',
        json(
          page([
            bucket(DAY2, [
              grouped('audio_speeches', 'key_def', 'tts-1', {
                characters: 45,
                num_model_requests: 1,
              }),
            ]),
          ]),
        ),
      ),
      audio_transcriptions: route(
        'get',
        '/organization/usage/audio_transcriptions',
        json(
          page([
            bucket(DAY2, [
              grouped('audio_transcriptions', 'key_def', 'whisper-1', {
                seconds: 20,
                num_model_requests: 5,
              }),
            ]),
            // outside the range: dropped
            bucket(DAY3, [
              grouped('audio_transcriptions', 'key_def', 'whisper-1', {
                seconds: 7,
                num_model_requests: 9,
              }),
            ]),
          ]),
        ),
      ),
    };
  }

  it('reads each report grouped by model, project and key and merges the rows per key and model', async () => {
    const requests = routeAllReports();
    const s = setup();

    const records = await s.client.fetchUsage(range);

    const row = (
      date: string,
      providerKeyId: string,
      model: string,
      counts: { inputTokens?: number; outputTokens?: number },
      requestCount: number,
    ) => ({
      date,
      providerKeyId,
      model,
      providerProjectId: 'proj_abc',
      inputTokens: counts.inputTokens ?? 0,
      outputTokens: counts.outputTokens ?? 0,
      cachedTokens: 0,
      requests: requestCount,
    });
    const byIdentity = (a: (typeof records)[0], b: (typeof records)[0]) =>
      `${a.date}${a.providerKeyId}${a.model}`.localeCompare(
        `${b.date}${b.providerKeyId}${b.model}`,
      );
    expect([...records].sort(byIdentity)).toEqual(
      [
        row(
          '2024-11-01',
          'key_abc',
          'gpt-4o',
          { inputTokens: 1000, outputTokens: 200 },
          4,
        ),
        row(
          '2024-11-01',
          'key_abc',
          'text-embedding-3-small',
          { inputTokens: 16 },
          2,
        ),
        row(
          '2024-11-01',
          'key_def',
          'omni-moderation-latest',
          { inputTokens: 12 },
          3,
        ),
        // images: requests only, both sizes summed
        row('2024-11-01', 'key_abc', 'dall-e-3', {}, 3),
        row(
          '2024-11-02',
          'key_abc',
          'text-embedding-3-small',
          { inputTokens: 100 },
          4,
        ),
        row('2024-11-02', 'key_def', 'tts-1', {}, 1),
        row('2024-11-02', 'key_def', 'whisper-1', {}, 5),
      ].sort(byIdentity),
    );

    for (const [kind, pages] of Object.entries(requests)) {
      expect([kind, pages.length]).toEqual([
        kind,
        kind === 'embeddings' ? 2 : 1,
      ]);
      const first = query(pages[0]);
      expect(first.getAll('group_by')).toEqual([
        'model',
        'project_id',
        'api_key_id',
      ]);
      expect(first.get('bucket_width')).toBe('1d');
      expect(first.get('start_time')).toBe(String(DAY1));
      expect(first.get('end_time')).toBe(String(DAY3));
    }
    expect(query(requests.embeddings[1]).get('page')).toBe(
      'page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=',
    );
  });

  it('reads the official example of a report that is not grouped', async () => {
    route(
      'get',
      '/organization/usage/images',
      json(
        page([
          bucket(DAY1, [
            {
              object: 'organization.usage.images.result',
              images: 2,
              num_model_requests: 2,
              size: null,
              source: null,
              project_id: null,
              user_id: null,
              api_key_id: null,
              model: null,
            },
          ]),
        ]),
      ),
    );
    const s = setup();

    await expect(s.client.fetchUsage(range)).resolves.toEqual([
      {
        date: '2024-11-01',
        providerKeyId: '',
        model: '',
        providerProjectId: '',
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
        requests: 2,
      },
    ]);
  });

  it('fails the whole fetch when one report keeps failing, so the last stored usage stays', async () => {
    const requests = routeAllReports();
    const failing = route('get', '/organization/usage/moderations', () =>
      HttpResponse.json({ error: { message: 'server' } }, { status: 500 }),
    );
    const s = setup({ retry: { maxAttempts: 3 } });

    await expect(s.client.fetchUsage(range)).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(failing).toHaveLength(3);
    // the reports after the failing one are not read
    expect(requests.images).toHaveLength(0);
  });

  it('names the report whose page is malformed', async () => {
    routeAllReports();
    route(
      'get',
      '/organization/usage/audio_speeches',
      json(page([bucket(DAY1, [{ num_model_requests: -1 }])])),
    );
    const s = setup();

    await expect(s.client.fetchUsage(range)).rejects.toThrow(
      /usage\/audio_speeches returned an unexpected response/,
    );
  });
});

describe('OpenAiClient.fetchCosts', () => {
  it('maps the official example: a float amount to an exact decimal string', async () => {
    const pages = route('get', '/organization/costs', json(costsFixture));
    const s = setup();

    const records = await s.client.fetchCosts({
      from: '2024-11-01',
      to: '2024-11-01',
    });

    expect(records).toEqual([
      {
        date: '2024-11-01',
        providerKeyId: '',
        model: '',
        providerProjectId: '',
        lineItem: '',
        amount: '0.06',
        currency: 'USD',
      },
    ]);
    const q = query(pages[0]);
    expect(q.getAll('group_by')).toEqual(['project_id', 'line_item']);
    expect(q.get('bucket_width')).toBe('1d');
    expect(q.get('limit')).toBe('180');
    expect(q.get('end_time')).toBe('1730505600');
  });

  it('follows next_page and sums float amounts exactly', async () => {
    const grouped = (value: number) => ({
      object: 'organization.costs.result',
      amount: { value, currency: 'usd' },
      line_item: 'gpt-4o-2024-08-06, input',
      project_id: 'proj_abc',
      quantity: 10000,
      quantity_unit: 'tokens',
    });
    const pages = route(
      'get',
      '/organization/costs',
      json({
        ...costsFixture,
        data: [{ ...costsFixture.data[0], results: [grouped(0.1)] }],
        has_more: true,
        next_page: 'page_B',
      }),
      json({
        ...costsFixture,
        data: [{ ...costsFixture.data[0], results: [grouped(0.2)] }],
      }),
    );
    const s = setup();

    const records = await s.client.fetchCosts({
      from: '2024-11-01',
      to: '2024-11-01',
    });

    // 0.1 + 0.2 in floats would be 0.30000000000000004
    expect(records).toEqual([
      {
        date: '2024-11-01',
        providerKeyId: '',
        model: '',
        providerProjectId: 'proj_abc',
        lineItem: 'gpt-4o-2024-08-06, input',
        amount: '0.3',
        currency: 'USD',
      },
    ]);
    expect(query(pages[1]).get('page')).toBe('page_B');
  });

  it('rejects an amount that is not a number', async () => {
    route(
      'get',
      '/organization/costs',
      json({
        ...costsFixture,
        data: [
          {
            ...costsFixture.data[0],
            results: [
              {
                ...costsFixture.data[0].results[0],
                amount: { value: '0.06', currency: 'usd' },
              },
            ],
          },
        ],
      }),
    );
    const s = setup();

    await expect(
      s.client.fetchCosts({ from: '2024-11-01', to: '2024-11-01' }),
    ).rejects.toThrow(/amount\.value: expected number, got string/);
  });
});

describe('OpenAiClient failures', () => {
  const costs = () => json(costsFixture);
  const range = { from: '2024-11-01', to: '2024-11-01' };

  it('waits for Retry-After on 429, then succeeds', async () => {
    const pages = route(
      'get',
      '/organization/costs',
      () =>
        HttpResponse.json(
          { error: { message: 'Rate limit reached' } },
          { status: 429, headers: { 'Retry-After': '2' } },
        ),
      costs(),
    );
    const s = setup();

    await expect(s.client.fetchCosts(range)).resolves.toHaveLength(1);
    expect(s.sleep).toHaveBeenCalledWith(2000);
    expect(pages).toHaveLength(2);
  });

  it('retries a 500, then succeeds', async () => {
    const pages = route(
      'get',
      '/organization/costs',
      json({ error: { message: 'server' } }, { status: 500 }),
      costs(),
    );
    const s = setup();

    await expect(s.client.fetchCosts(range)).resolves.toHaveLength(1);
    expect(pages).toHaveLength(2);
  });

  it('reports a 401 as an auth error, without the key', async () => {
    route(
      'get',
      '/organization/projects',
      json(
        {
          error: {
            message: `Incorrect API key provided: ${ADMIN_KEY}.`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        },
        { status: 401 },
      ),
    );
    const s = setup();

    const error = await s.client.testConnection().catch(e => e);

    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error.message).not.toContain(ADMIN_KEY);
    expect(error.message).toContain('Incorrect API key provided: ***.');
  });

  it('reports malformed JSON as a response error', async () => {
    route(
      'get',
      '/organization/costs',
      () => new HttpResponse('<html>oops</html>', { status: 200 }),
    );
    const s = setup();

    await expect(s.client.fetchCosts(range)).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });

  it('reports a timeout as unavailable after the retries', async () => {
    const pages = route('get', '/organization/costs', async () => {
      await delay(2000);
      return HttpResponse.json(costsFixture);
    });
    const s = setup({ timeoutMs: 30, retry: { maxAttempts: 2 } });

    await expect(s.client.fetchCosts(range)).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(pages).toHaveLength(2);
  });

  it('reports an account without a key as an auth error', () => {
    expect(() => setup({ adminKey: '' })).toThrow(ProviderAuthError);
  });
});

describe('openAiProvider', () => {
  it('declares what the Admin API allows', () => {
    expect(openAiProvider).toMatchObject({ id: 'openai', currency: 'USD' });
    expect(openAiProvider.capabilities).not.toContain('keys.create');
    expect(openAiProvider.capabilities).not.toContain('keys.setEnabled');
    expect(openAiProvider.capabilities).not.toContain('balance');
    expect(openAiProvider.credentialFields).toEqual([
      {
        name: 'adminKey',
        label: 'Admin API key',
        secret: true,
        required: true,
      },
    ]);
  });

  it('creates a client from an account, honouring a base URL override', async () => {
    const seen = route('get', '/organization/projects', json(projectsFixture));
    server.use(
      http.get(
        'https://proxy.example.test/openai/organization/projects',
        ({ request }) => {
          seen.push(request);
          return HttpResponse.json(projectsFixture);
        },
      ),
    );
    const logger = mockServices.logger.mock();
    const client = openAiProvider.createClient(
      {
        id: 'acc1',
        provider: 'openai',
        name: 'Org',
        credentials: { adminKey: ADMIN_KEY },
        settings: { baseUrl: 'https://proxy.example.test/openai' },
      },
      { logger },
    );

    await client.testConnection();

    expect(seen.map(r => new URL(r.url).host)).toEqual(['proxy.example.test']);
    expect(logger.child).toHaveBeenCalledWith({
      provider: 'openai',
      account: 'acc1',
    });
  });
});
