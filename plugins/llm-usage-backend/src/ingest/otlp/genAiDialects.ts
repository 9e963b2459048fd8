/**
 * GenAI instrumentations that predate, or sit beside, the OpenTelemetry GenAI
 * semantic conventions. Each dialect reads its own attributes into the
 * conventions' names, so the span mapping reads one vocabulary only.
 */

type Attributes = Record<string, unknown>;

export interface GenAiDialect {
  /** Named in each call's metadata, so a mapping can be traced back. */
  name: string;
  matches(attributes: Attributes, resource: Attributes): boolean;
  /**
   * Convention attributes derived from the dialect's own; they win over the
   * span's, since a dialect may set conventions attributes its own way.
   */
  toConventions(attributes: Attributes): Attributes;
  /** Attributes read by `toConventions`, left out of the call's metadata. */
  mapped: string[];
  /** Prompt and completion attributes (exact names or `prefix.`): never stored. */
  content: string[];
}

function first(attributes: Attributes, names: string[]): unknown {
  for (const name of names) {
    const value = attributes[name];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

/** Drops undefined values so they do not hide a span's own attribute. */
function defined(attributes: Attributes): Attributes {
  return Object.fromEntries(
    Object.entries(attributes).filter(([, value]) => value !== undefined),
  );
}

/** Arize OpenInference: `openinference.span.kind`, `llm.*` and `embedding.*`. */
const openInference: GenAiDialect = {
  name: 'openinference',
  matches: attributes => attributes['openinference.span.kind'] !== undefined,
  toConventions(attributes) {
    const kind = String(attributes['openinference.span.kind']).toUpperCase();
    const operation = (
      { LLM: 'chat', EMBEDDING: 'embeddings' } as Record<string, string>
    )[kind];
    if (!operation) {
      // Chains, agents, tools, retrievers: not a call to a model.
      return { 'gen_ai.operation.name': `openinference.${kind.toLowerCase()}` };
    }
    return defined({
      'gen_ai.operation.name': operation,
      'gen_ai.provider.name': first(attributes, ['llm.provider', 'llm.system']),
      'gen_ai.response.model': first(attributes, [
        'llm.model_name',
        'embedding.model_name',
      ]),
      'gen_ai.usage.input_tokens': attributes['llm.token_count.prompt'],
      'gen_ai.usage.output_tokens': attributes['llm.token_count.completion'],
      'gen_ai.usage.cache_read.input_tokens':
        attributes['llm.token_count.prompt_details.cache_read'],
    });
  },
  mapped: [
    'openinference.span.kind',
    'llm.provider',
    'llm.system',
    'llm.model_name',
    'embedding.model_name',
    'llm.token_count.prompt',
    'llm.token_count.completion',
    'llm.token_count.total',
    'llm.token_count.prompt_details.cache_read',
  ],
  content: [
    'input.value',
    'output.value',
    'llm.input_messages.',
    'llm.output_messages.',
    'llm.prompts.',
    'llm.prompt_template.',
    'llm.tools.',
    'embedding.embeddings.',
    'llm.invocation_parameters',
  ],
};

/**
 * `ai.generateText` wraps one `ai.generateText.doGenerate` per model call;
 * counting both would count the call twice, so only the inner ones are calls.
 */
function vercelOperation(operationId: string): string {
  if (/\.doEmbed(Many)?$/.test(operationId)) return 'embeddings';
  if (/\.do(Generate|Stream)$/.test(operationId)) return 'chat';
  return `vercel.${operationId}`;
}

/** The Vercel AI SDK: `ai.*`; only its provider-level spans are model calls. */
const vercelAiSdk: GenAiDialect = {
  name: 'vercel-ai-sdk',
  matches: attributes => typeof attributes['ai.operationId'] === 'string',
  toConventions(attributes) {
    const operationId = String(attributes['ai.operationId']);
    const operation = vercelOperation(operationId);
    const provider = first(attributes, ['ai.model.provider']);
    const msToFirstChunk = Number(attributes['ai.response.msToFirstChunk']);
    return defined({
      'gen_ai.operation.name': operation,
      // `openai.chat` names the provider and its API; the provider is enough.
      'gen_ai.provider.name':
        typeof provider === 'string' ? provider.split('.')[0] : undefined,
      'gen_ai.response.model': first(attributes, [
        'ai.response.model',
        'gen_ai.response.model',
        'ai.model.id',
      ]),
      'gen_ai.usage.input_tokens': first(attributes, [
        'ai.usage.inputTokens',
        'ai.usage.promptTokens',
        'gen_ai.usage.input_tokens',
        'ai.usage.tokens',
      ]),
      'gen_ai.usage.output_tokens': first(attributes, [
        'ai.usage.outputTokens',
        'ai.usage.completionTokens',
        'gen_ai.usage.output_tokens',
      ]),
      'gen_ai.usage.cache_read.input_tokens': first(attributes, [
        'ai.usage.cachedInputTokens',
      ]),
      'gen_ai.response.time_to_first_chunk': Number.isFinite(msToFirstChunk)
        ? msToFirstChunk / 1000
        : undefined,
      'gen_ai.response.id': first(attributes, [
        'ai.response.id',
        'gen_ai.response.id',
      ]),
    });
  },
  mapped: [
    'ai.operationId',
    'ai.model.provider',
    'ai.model.id',
    'ai.response.model',
    'ai.response.id',
    'ai.usage.inputTokens',
    'ai.usage.promptTokens',
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
    'ai.usage.cachedInputTokens',
    'ai.usage.totalTokens',
    'ai.usage.tokens',
    'ai.response.msToFirstChunk',
  ],
  content: [
    'ai.prompt',
    'ai.prompt.',
    'ai.response.text',
    'ai.response.toolCalls',
    'ai.response.object',
    'ai.response.reasoning',
    'ai.value',
    'ai.values',
    'ai.embedding',
    'ai.embeddings',
    'ai.toolCall.args',
    'ai.toolCall.result',
  ],
};

/** Traceloop's OpenLLMetry before it wrote the current conventions. */
const openLlmetry: GenAiDialect = {
  name: 'openllmetry',
  matches: attributes =>
    attributes['llm.request.type'] !== undefined ||
    Object.keys(attributes).some(key => key.startsWith('traceloop.')),
  toConventions(attributes) {
    const requestType = attributes['llm.request.type'];
    const operation =
      requestType === undefined
        ? undefined
        : (
            {
              chat: 'chat',
              completion: 'text_completion',
              embedding: 'embeddings',
            } as Record<string, string>
          )[String(requestType)] ?? `openllmetry.${String(requestType)}`;
    return defined({
      'gen_ai.operation.name':
        attributes['gen_ai.operation.name'] === undefined
          ? operation
          : undefined,
      'gen_ai.usage.cache_read.input_tokens': first(attributes, [
        'gen_ai.usage.cache_read.input_tokens',
        'gen_ai.usage.cache_read_input_tokens',
      ]),
      'user.id': first(attributes, [
        'user.id',
        'traceloop.association.properties.user_id',
      ]),
    });
  },
  mapped: [
    'llm.request.type',
    'llm.usage.total_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'traceloop.association.properties.user_id',
  ],
  content: [
    'gen_ai.prompt.',
    'gen_ai.completion.',
    'llm.prompts.',
    'traceloop.entity.input',
    'traceloop.entity.output',
  ],
};

/** OpenLIT: the conventions plus its own time to first token and content. */
const openLit: GenAiDialect = {
  name: 'openlit',
  matches: (attributes, resource) =>
    resource['telemetry.sdk.name'] === 'openlit' ||
    attributes['gen_ai.application_name'] !== undefined ||
    attributes['gen_ai.server.ttft'] !== undefined,
  toConventions(attributes) {
    const operation = attributes['gen_ai.operation.name'];
    return defined({
      'gen_ai.operation.name':
        operation === 'embedding' ? 'embeddings' : undefined,
      'gen_ai.response.time_to_first_chunk': first(attributes, [
        'gen_ai.response.time_to_first_chunk',
        'gen_ai.server.ttft',
      ]),
    });
  },
  mapped: ['gen_ai.server.ttft'],
  content: ['gen_ai.content.prompt', 'gen_ai.content.completion'],
};

/** In the order they are tried; the first that matches a span reads it. */
export const GEN_AI_DIALECTS: GenAiDialect[] = [
  openInference,
  vercelAiSdk,
  openLlmetry,
  openLit,
];

/**
 * The span's attributes in the conventions' names, with the dialect that
 * produced them, if any.
 */
export function toConventions(
  attributes: Attributes,
  resource: Attributes,
): { attributes: Attributes; dialect?: GenAiDialect } {
  const dialect = GEN_AI_DIALECTS.find(d => d.matches(attributes, resource));
  if (!dialect) return { attributes };
  return {
    attributes: { ...attributes, ...dialect.toConventions(attributes) },
    dialect,
  };
}

/** Whether an attribute is prompt or completion content of some dialect. */
export function isDialectContent(key: string, dialect?: GenAiDialect) {
  return (dialect?.content ?? []).some(name =>
    name.endsWith('.') ? key.startsWith(name) : key === name,
  );
}
