import {
  otlpRequest,
  type PlainSpan,
} from '../../__testUtils__/ingestPayloads';
import { readOtlpMapping } from './otlpMapping';
import { otlpToCalls } from './otlpToCalls';

const START = Date.UTC(2026, 10, 20, 8, 30);
let counter = 0;

function span(
  name: string,
  attributes: Record<string, unknown>,
  durationMs = 500,
): PlainSpan {
  counter++;
  return {
    traceId: counter.toString(16).padStart(32, '0'),
    spanId: counter.toString(16).padStart(16, '0'),
    name,
    startMs: START,
    durationMs,
    attributes,
  };
}

function mapSpans(spans: PlainSpan[], resource = { 'service.name': 'alpha' }) {
  return otlpToCalls(otlpRequest(resource, spans), readOtlpMapping());
}

describe('GenAI dialects', () => {
  it('reads OpenInference LLM and embedding spans, and ignores its chains', () => {
    const { calls, ignoredSpans } = mapSpans([
      span('OpenAI Chat Completions', {
        'openinference.span.kind': 'LLM',
        'llm.system': 'openai',
        'llm.model_name': 'gpt-4o-mini-2024-07-18',
        'llm.token_count.prompt': 12,
        'llm.token_count.completion': 3,
        'llm.token_count.total': 15,
        'llm.token_count.prompt_details.cache_read': 4,
        'llm.input_messages.0.message.content': 'hello',
        'input.value': '{"messages":[]}',
        'output.value': '{"choices":[]}',
        'user.id': 'jane',
        'session.id': 'conversation-7',
      }),
      span('OpenAI Embeddings', {
        'openinference.span.kind': 'EMBEDDING',
        'llm.system': 'openai',
        'embedding.model_name': 'text-embedding-3-small',
        'embedding.embeddings.0.embedding.text': 'hello',
      }),
      span('RetrievalQA', {
        'openinference.span.kind': 'CHAIN',
        'llm.system': 'openai',
        'llm.token_count.prompt': 12,
      }),
    ]);
    expect(ignoredSpans).toBe(1);
    expect(calls).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        type: 'chat',
        userRef: 'user:default/jane',
        inputTokens: 12,
        outputTokens: 3,
        cachedTokens: 4,
      }),
      expect.objectContaining({
        provider: 'openai',
        model: 'text-embedding-3-small',
        type: 'embedding',
      }),
    ]);
    const metadata = JSON.stringify(calls[0].metadata);
    expect(metadata).not.toContain('hello');
    expect(calls[0].metadata).toMatchObject({
      otel: { instrumentation: 'openinference' },
      unmapped: { 'session.id': 'conversation-7' },
      omitted: [
        'llm.input_messages.0.message.content',
        'input.value',
        'output.value',
      ],
    });
  });

  it('counts a Vercel AI SDK call once, from its provider-level span', () => {
    const { calls, ignoredSpans } = mapSpans([
      span('ai.generateText', {
        'ai.operationId': 'ai.generateText',
        'ai.model.provider': 'openai.chat',
        'ai.model.id': 'gpt-4o',
        'ai.usage.promptTokens': 30,
        'ai.usage.completionTokens': 9,
        'ai.prompt': '{"prompt":"secret plans"}',
      }),
      span('ai.generateText.doGenerate', {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.provider': 'openai.chat',
        'ai.model.id': 'gpt-4o',
        'ai.response.model': 'gpt-4o-2024-08-06',
        'ai.usage.promptTokens': 30,
        'ai.usage.completionTokens': 9,
        'ai.response.msToFirstChunk': 420.5,
        'ai.prompt.messages': '[{"role":"user","content":"secret plans"}]',
        'ai.response.text': 'plans',
        'gen_ai.system': 'openai.chat',
        'gen_ai.request.model': 'gpt-4o',
        'ai.telemetry.functionId': 'draft-email',
      }),
      span('ai.embed.doEmbed', {
        'ai.operationId': 'ai.embed.doEmbed',
        'ai.model.provider': 'openai.embedding',
        'ai.model.id': 'text-embedding-3-small',
        'ai.usage.tokens': 5,
        'ai.values': ['secret plans'],
      }),
    ]);
    expect(ignoredSpans).toBe(1);
    expect(calls).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        type: 'chat',
        inputTokens: 30,
        outputTokens: 9,
        ttftMs: 421,
      }),
      expect.objectContaining({
        provider: 'openai',
        model: 'text-embedding-3-small',
        type: 'embedding',
        inputTokens: 5,
      }),
    ]);
    expect(JSON.stringify(calls)).not.toContain('secret plans');
    expect(calls[0].metadata).toMatchObject({
      otel: { instrumentation: 'vercel-ai-sdk' },
      unmapped: { 'ai.telemetry.functionId': 'draft-email' },
    });
  });

  it('reads OpenLLMetry spans written before the current conventions', () => {
    const { calls } = mapSpans([
      span('openai.chat', {
        'llm.request.type': 'chat',
        'gen_ai.system': 'OpenAI',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.prompt_tokens': 21,
        'gen_ai.usage.completion_tokens': 8,
        'gen_ai.usage.cache_read_input_tokens': 16,
        'llm.usage.total_tokens': 29,
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': 'classified',
        'gen_ai.completion.0.content': 'classified too',
        'traceloop.association.properties.user_id': 'ann',
      }),
      span('openai.embeddings', {
        'llm.request.type': 'embedding',
        'gen_ai.system': 'OpenAI',
        'gen_ai.request.model': 'text-embedding-3-large',
        'gen_ai.usage.prompt_tokens': 7,
      }),
    ]);
    expect(calls).toEqual([
      expect.objectContaining({
        model: 'gpt-4o-mini-2024-07-18',
        type: 'chat',
        userRef: 'user:default/ann',
        inputTokens: 21,
        outputTokens: 8,
        cachedTokens: 16,
      }),
      expect.objectContaining({
        model: 'text-embedding-3-large',
        type: 'embedding',
        inputTokens: 7,
      }),
    ]);
    expect(JSON.stringify(calls)).not.toContain('classified');
  });

  it('reads OpenLIT time to first token and leaves its content out', () => {
    const { calls } = mapSpans(
      [
        span('chat gpt-4o', {
          'gen_ai.system': 'openai',
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 20,
          'gen_ai.server.ttft': 0.25,
          'gen_ai.application_name': 'support-bot',
          'gen_ai.content.prompt': 'private question',
          'gen_ai.content.completion': 'private answer',
        }),
        span('embedding text-embedding-3-small', {
          'gen_ai.system': 'openai',
          'gen_ai.operation.name': 'embedding',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 6,
        }),
      ],
      { 'service.name': 'alpha', 'telemetry.sdk.name': 'openlit' } as any,
    );
    expect(calls).toEqual([
      expect.objectContaining({ type: 'chat', ttftMs: 250, inputTokens: 100 }),
      expect.objectContaining({ type: 'embedding', inputTokens: 6 }),
    ]);
    expect(JSON.stringify(calls)).not.toContain('private');
    expect(calls[0].metadata).toMatchObject({
      otel: { instrumentation: 'openlit' },
    });
  });

  it('leaves spans of the current conventions as they are', () => {
    const { calls } = mapSpans([
      span('chat gpt-4o', {
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 10,
      }),
    ]);
    expect(calls).toEqual([
      expect.objectContaining({ provider: 'openai', inputTokens: 10 }),
    ]);
    expect(calls[0].metadata).not.toHaveProperty('otel.instrumentation');
  });
});
