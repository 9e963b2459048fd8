import { ConfigReader } from '@backstage/config';
import {
  officialGenAiSpan,
  officialSpanRequest,
  otlpRequest,
} from '../../__testUtils__/ingestPayloads';
import { parseCallBatch } from '../callSchema';
import { readOtlpMapping } from './otlpMapping';
import { otlpToCalls } from './otlpToCalls';

const defaults = readOtlpMapping();
const START = Date.UTC(2026, 10, 20, 8, 30);

describe('otlpToCalls', () => {
  it('maps the official GenAI inference span example', () => {
    const { calls, ignoredSpans } = otlpToCalls(
      officialSpanRequest(START, 'support-bot'),
      defaults,
    );
    expect(ignoredSpans).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      id: `otel:${officialGenAiSpan.trace_id}:${officialGenAiSpan.span_id}`,
      timestamp: new Date(START).toISOString(),
      projectId: 'support-bot',
      userRef: 'user:default/otel',
      provider: 'openai',
      // The response model is what ran.
      model: 'gpt-4-0613',
      type: 'chat',
      status: 'success',
      durationMs: 1200,
      inputTokens: 52,
      outputTokens: 47,
      // No gen_ai.usage.cost: the price book prices the call when it is stored.
      cost: undefined,
    });
    const [stored] = parseCallBatch(calls, 10);
    expect(stored.costSource).toBeNull();
    expect(stored.metadata).toMatchObject({
      source: 'otel',
      otel: {
        spanName: 'chat gpt-4',
        operation: 'chat',
        requestModel: 'gpt-4',
        responseId: 'chatcmpl-9J3uIL87gldCFtiIbyaOvTeYBRA3l',
        finishReasons: ['stop'],
        serviceName: 'support-bot',
      },
      unmapped: {
        'gen_ai.request.max_tokens': 200,
        'gen_ai.request.top_p': 1,
      },
    });
  });

  it('ignores and counts spans that are not model calls', () => {
    const request = otlpRequest({ 'service.name': 'agent' }, [
      {
        traceId: 'a'.repeat(32),
        spanId: '1'.repeat(16),
        name: 'GET /api',
        startMs: START,
        durationMs: 5,
        attributes: { 'http.request.method': 'GET' },
      },
      {
        traceId: 'a'.repeat(32),
        spanId: '2'.repeat(16),
        name: 'execute_tool get_weather',
        startMs: START,
        durationMs: 5,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.provider.name': 'openai',
        },
      },
      {
        traceId: 'a'.repeat(32),
        spanId: '3'.repeat(16),
        name: 'embeddings text-embedding-3-small',
        startMs: START,
        durationMs: 40,
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 12,
        },
      },
    ]);
    const { calls, ignoredSpans } = otlpToCalls(request, defaults);
    expect(ignoredSpans).toBe(2);
    expect(calls.map(c => [c.type, c.model, c.inputTokens])).toEqual([
      ['embedding', 'text-embedding-3-small', 12],
    ]);
  });

  it('reads the pre-1.37 names, errors, and configured attributes', () => {
    const mapping = readOtlpMapping(
      new ConfigReader({
        projectIdAttributes: ['llm_usage.project_id', 'service.name'],
        userAttributes: ['enduser.id'],
      }),
    );
    const request = otlpRequest(
      { 'service.name': 'fallback-service', 'enduser.id': 'carol' },
      [
        {
          traceId: 'B'.repeat(32),
          spanId: 'C'.repeat(16),
          name: 'chat claude',
          startMs: START,
          durationMs: 30_000,
          error: true,
          attributes: {
            'gen_ai.system': 'anthropic',
            'gen_ai.request.model': 'claude-sonnet-4',
            'gen_ai.usage.prompt_tokens': 900,
            'gen_ai.usage.completion_tokens': 0,
            'gen_ai.usage.cache_read.input_tokens': 300,
            'error.type': 'timeout',
            'llm_usage.project_id': 'code-review',
            'gen_ai.input.messages':
              '[{"role":"user","content":"secret plans"}]',
          },
        },
      ],
    );
    const [call] = otlpToCalls(request, mapping).calls;
    expect(call).toMatchObject({
      id: `otel:${'b'.repeat(32)}:${'c'.repeat(16)}`,
      projectId: 'code-review',
      userRef: 'user:default/carol',
      provider: 'anthropic',
      model: 'claude-sonnet-4',
      // A span without an operation but with a system is a chat.
      type: 'chat',
      status: 'failed',
      errorReason: 'timeout: boom',
      inputTokens: 900,
      cachedTokens: 300,
    });
    expect(JSON.stringify(call.metadata)).not.toContain('secret plans');
    expect((call.metadata as any).omitted).toEqual(['gen_ai.input.messages']);
  });

  it('rejects a body that is not an export request, naming the field', () => {
    expect(() => otlpToCalls({ resourceSpans: 'x' }, defaults)).toThrow(
      /resourceSpans/,
    );
  });

  it('counts an unreadable GenAI span as invalid and keeps the others', () => {
    const good = officialSpanRequest(START, 'support-bot').resourceSpans[0]
      .scopeSpans[0].spans[0];
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: [
                { ...good, traceId: 'xyz' },
                good,
                { ...good, spanId: '2'.repeat(16), startTimeUnixNano: 'soon' },
              ],
            },
          ],
        },
      ],
    };
    const result = otlpToCalls(body, defaults);
    expect(result.calls).toHaveLength(1);
    expect(result.invalidSpans).toBe(2);
    expect(result.firstInvalid).toMatch(
      /resourceSpans\.0\.scopeSpans\.0\.spans\.0\.traceId/,
    );
  });

  it('counts a span whose call the call schema refuses by its span path', () => {
    const good = officialSpanRequest(START, 'support-bot').resourceSpans[0]
      .scopeSpans[0].spans[0];
    const longModel = {
      ...good,
      spanId: '3'.repeat(16),
      attributes: good.attributes.map(attribute =>
        attribute.key === 'gen_ai.response.model'
          ? { key: attribute.key, value: { stringValue: 'm'.repeat(300) } }
          : attribute,
      ),
    };
    const body = {
      resourceSpans: [
        { resource: { attributes: [] }, scopeSpans: [{ spans: [good] }] },
        {
          resource: { attributes: [] },
          scopeSpans: [{ spans: [] }, { spans: [good, longModel] }],
        },
      ],
    };
    const result = otlpToCalls(body, defaults);
    expect(result.invalidSpans).toBe(1);
    expect(result.firstInvalid).toBe(
      'Invalid OTLP span at resourceSpans.1.scopeSpans.1.spans.1.model: String must contain at most 255 character(s)',
    );
    // The valid spans stay, each validated once and ready to store.
    expect(result.calls).toHaveLength(2);
    expect(result.normalized.map(call => call.model)).toEqual([
      'gpt-4-0613',
      'gpt-4-0613',
    ]);
  });

  it('accepts an empty export', () => {
    expect(otlpToCalls({}, defaults)).toEqual({
      calls: [],
      normalized: [],
      ignoredSpans: 0,
      invalidSpans: 0,
    });
  });
});
