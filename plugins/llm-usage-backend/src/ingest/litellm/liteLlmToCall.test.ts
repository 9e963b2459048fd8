import { ConfigReader } from '@backstage/config';
import { parseCallBatch } from '../callSchema';
import officialBody from '../__fixtures__/litellm-generic-api-body.json_array.json';
import { officialLiteLlmPayload } from '../../__testUtils__/ingestPayloads';
import { readLiteLlmMapping } from './liteLlmMapping';
import { liteLlmToCall } from './liteLlmToCall';
import { readLiteLlmBody } from './readLiteLlmBody';

const defaults = readLiteLlmMapping();

function withMetadata(metadata: Record<string, unknown>, extra = {}) {
  return {
    ...officialLiteLlmPayload,
    ...extra,
    metadata: { ...officialLiteLlmPayload.metadata, ...metadata },
  };
}

describe('liteLlmToCall', () => {
  it('maps the official StandardLoggingPayload example', () => {
    const call = liteLlmToCall(officialLiteLlmPayload, 0, defaults);
    expect(call).toMatchObject({
      id: 'litellm:chatcmpl-2299b6a2-82a3-465a-b47c-04e685a2227f',
      // The fixture's naive date-times are UTC.
      timestamp: '2025-01-24T09:20:46.847Z',
      userRef: 'user:default/litellm',
      projectId: 'litellm',
      provider: 'openai',
      model: 'gpt-4o',
      type: 'chat',
      status: 'success',
      durationMs: 5,
      ttftMs: 5,
      inputTokens: 10,
      outputTokens: 20,
      cachedTokens: 0,
      currency: 'USD',
    });
    expect(call.errorReason).toBeUndefined();
    const [stored] = parseCallBatch([call], 10);
    // 0.00022500000000000002 USD is 225000 nano-dollars, exactly.
    expect(stored.costNanos).toBe(225_000n);
    expect(stored.metadata).toMatchObject({
      source: 'litellm',
      litellm: { callType: 'acompletion', stream: true, totalTokens: 30 },
      omitted: ['messages', 'response', 'model_map_information'],
    });
    // Unknown fields are kept, under their LiteLLM names.
    expect(stored.metadata!.unmapped).toMatchObject({
      saved_cache_cost: 0,
      'hidden_params.litellm_model_name': 'gpt-4o',
    });
    expect(JSON.stringify(stored.metadata)).not.toContain('Hello, world!');
  });

  it('reads the json_array body, one object and NDJSON alike', () => {
    expect(readLiteLlmBody(JSON.stringify(officialBody))).toHaveLength(1);
    expect(readLiteLlmBody(officialBody)).toHaveLength(1);
    expect(readLiteLlmBody(JSON.stringify(officialLiteLlmPayload))).toEqual([
      officialLiteLlmPayload,
    ]);
    const ndjson = [1, 2, 3]
      .map(i => JSON.stringify({ ...officialLiteLlmPayload, id: `n${i}` }))
      .join('\n');
    expect(readLiteLlmBody(`${ndjson}\n`).map((p: any) => p.id)).toEqual([
      'n1',
      'n2',
      'n3',
    ]);
    expect(() => readLiteLlmBody('{"id": 1}\nnot json')).toThrow(/line 2/);
    expect(() => readLiteLlmBody('')).toThrow(/LiteLLM payload/);
  });

  it('maps teams, key aliases and tags through the configured tables', () => {
    const mapping = readLiteLlmMapping(
      new ConfigReader({
        projectByTag: { 'project:search': 'search-rag' },
        projectByKeyAlias: { 'ci-key': 'ci-bots' },
        projectByTeam: { 'team-id-7': 'support-bot' },
        defaultProjectId: 'shared',
        userByKeyAlias: { 'ci-key': 'user:default/ci-robot' },
        userByTag: { 'owner:carol': 'user:default/carol' },
      }),
    );
    const map = (payload: object) => liteLlmToCall(payload, 0, mapping);

    const byTeamId = map(
      withMetadata({
        user_api_key_team_id: 'team-id-7',
        user_api_key_team_alias: 'Support',
        user_api_key_user_id: 'jane',
      }),
    );
    expect([byTeamId.projectId, byTeamId.userRef]).toEqual([
      'support-bot',
      'user:default/jane',
    ]);
    // An unmapped team is a project of its own name.
    expect(
      map(withMetadata({ user_api_key_team_alias: 'data' })).projectId,
    ).toBe('data');
    const byKey = map(
      withMetadata({
        user_api_key_alias: 'ci-key',
        user_api_key_team_id: 'team-id-7',
        user_api_key_user_id: 'jane',
      }),
    );
    expect([byKey.projectId, byKey.userRef]).toEqual([
      'ci-bots',
      'user:default/ci-robot',
    ]);
    const byTag = map(
      withMetadata(
        { user_api_key_alias: 'ci-key' },
        { request_tags: ['other', 'project:search', 'owner:carol'] },
      ),
    );
    expect([byTag.projectId, byTag.userRef]).toEqual([
      'search-rag',
      // The key alias comes before tags for the user.
      'user:default/ci-robot',
    ]);
    // An email is no entity name: the default user.
    const byEmail = map(withMetadata({ user_api_key_user_id: 'a@b.com' }));
    expect([byEmail.projectId, byEmail.userRef]).toEqual([
      'shared',
      'user:default/litellm',
    ]);
  });

  it('maps failures with their error and epoch-second times', () => {
    const call = liteLlmToCall(
      {
        ...officialLiteLlmPayload,
        id: 'failed-1',
        status: 'failure',
        stream: false,
        call_type: 'aembedding',
        startTime: 1764000000.5,
        endTime: 1764000002,
        completionStartTime: 1764000002,
        response_cost: null,
        error_str: 'litellm.RateLimitError: slow down',
        error_information: {
          error_code: '429',
          error_class: 'RateLimitError',
          error_message: 'slow down',
          traceback: 'Traceback (most recent call last): ...',
          llm_provider: 'openai',
        },
      },
      0,
      defaults,
    );
    expect(call).toMatchObject({
      timestamp: new Date(1764000000500).toISOString(),
      type: 'embedding',
      status: 'failed',
      errorReason: '429: RateLimitError: slow down',
      durationMs: 1500,
      // LiteLLM did not price it: the price book may, when it is stored.
      cost: undefined,
    });
    // Not streamed: the first token time is the end time, not a TTFT.
    expect(call.ttftMs).toBeUndefined();
    expect(call.metadata).toMatchObject({
      unmapped: { 'error_information.llm_provider': 'openai' },
    });
    expect((call.metadata as any).omitted).toContain(
      'error_information.traceback',
    );
    expect(JSON.stringify(call.metadata)).not.toContain('most recent call');
  });

  it('counts a call that names no model, under the deployment or unknown', () => {
    const noModel = { ...officialLiteLlmPayload, model: '' };
    expect(liteLlmToCall(noModel, 0, defaults).model).toBe('gpt-4o');
    expect(
      liteLlmToCall(
        { ...noModel, hidden_params: {}, model_group: null },
        0,
        defaults,
      ).model,
    ).toBe('unknown');
  });

  it('keeps metadata within the call size limit, naming what it left out', () => {
    const call = liteLlmToCall(
      { ...officialLiteLlmPayload, huge_field: 'x'.repeat(40_000), small: 1 },
      0,
      defaults,
    );
    expect(() => parseCallBatch([call], 10)).not.toThrow();
    expect((call.metadata as any).unmapped.small).toBe(1);
    expect((call.metadata as any).omitted).toContain('huge_field');
  });

  it.each([
    [
      'no id',
      { ...officialLiteLlmPayload, id: undefined },
      /\[3\]\.litellm_call_id: a payload needs/,
    ],
    [
      'a bad time',
      { ...officialLiteLlmPayload, startTime: 'soon', endTime: null },
      /\[3\]\.startTime/,
    ],
    ['not an object', 'hello', /\[3\]/],
  ])('names the payload and field for %s', (_name, payload, message) => {
    expect(() => liteLlmToCall(payload, 3, defaults)).toThrow(message);
  });

  it('refuses a mapping config of the wrong shape at start-up', () => {
    expect(() =>
      readLiteLlmMapping(new ConfigReader({ projectByTeam: { a: 3 } })),
    ).toThrow(/llmUsage\.ingest\.litellm\.projectByTeam\.a/);
  });
});
