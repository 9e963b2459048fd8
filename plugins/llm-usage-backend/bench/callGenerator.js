/*
 * The scale bench's organisation and its calls: 1,000 projects, 300 users,
 * 30 models at 4 providers, skewed so that a few projects carry most of the
 * traffic, as in a real company. Deterministic for a seed: it draws from the
 * demo data's seeded PRNG (TypeScript, so whatever requires this file runs
 * with Backstage's node transform, the load client included).
 */

const { mulberry32: createRandom } = require('../src/lib/seededRandom');

const HOUR = 3_600_000;

// provider, model, currency, input and output price per 1M tokens, typical latency ms
const MODELS = [
  ['openai', 'gpt-4o', 'USD', 2.5, 10, 1800],
  ['openai', 'gpt-4o-mini', 'USD', 0.15, 0.6, 700],
  ['openai', 'gpt-4.1', 'USD', 2, 8, 1900],
  ['openai', 'gpt-4.1-mini', 'USD', 0.4, 1.6, 800],
  ['openai', 'gpt-4.1-nano', 'USD', 0.1, 0.4, 400],
  ['openai', 'o3', 'USD', 2, 8, 9000],
  ['openai', 'o3-mini', 'USD', 1.1, 4.4, 5200],
  ['openai', 'o4-mini', 'USD', 1.1, 4.4, 4800],
  ['openai', 'text-embedding-3-small', 'USD', 0.02, 0, 120],
  ['openai', 'text-embedding-3-large', 'USD', 0.13, 0, 160],
  ['anthropic', 'claude-opus-4', 'USD', 15, 75, 6000],
  ['anthropic', 'claude-sonnet-4', 'USD', 3, 15, 2600],
  ['anthropic', 'claude-3-7-sonnet', 'USD', 3, 15, 2500],
  ['anthropic', 'claude-3-5-sonnet', 'USD', 3, 15, 2300],
  ['anthropic', 'claude-3-5-haiku', 'USD', 0.8, 4, 900],
  ['anthropic', 'claude-3-haiku', 'USD', 0.25, 1.25, 700],
  ['anthropic', 'claude-3-opus', 'USD', 15, 75, 5800],
  ['anthropic', 'claude-haiku-4', 'USD', 1, 5, 800],
  ['openrouter', 'meta-llama/llama-3.1-70b-instruct', 'USD', 0.4, 0.4, 1500],
  ['openrouter', 'meta-llama/llama-3.1-8b-instruct', 'USD', 0.05, 0.05, 500],
  ['openrouter', 'mistralai/mistral-large', 'USD', 2, 6, 1700],
  ['openrouter', 'mistralai/mistral-small', 'USD', 0.2, 0.6, 600],
  ['openrouter', 'qwen/qwen-2.5-72b-instruct', 'USD', 0.35, 0.4, 1400],
  ['openrouter', 'deepseek/deepseek-chat', 'USD', 0.27, 1.1, 2000],
  ['openrouter', 'google/gemini-2.0-flash', 'USD', 0.1, 0.4, 600],
  ['openrouter', 'x-ai/grok-2', 'USD', 2, 10, 1800],
  ['volcengine', 'doubao-pro-32k', 'CNY', 0.8, 2, 1100],
  ['volcengine', 'doubao-lite-32k', 'CNY', 0.3, 0.6, 600],
  ['volcengine', 'doubao-pro-256k', 'CNY', 5, 9, 2400],
  ['volcengine', 'doubao-embedding', 'CNY', 0.5, 0, 150],
];

const PROJECTS = 1000;
const USERS = 300;

const projectId = index => `project-${String(index).padStart(4, '0')}`;
const userRef = index => `user:default/user-${String(index).padStart(3, '0')}`;

/**
 * A generator of calls spread uniformly over [from, from + hours). Returns
 * `next(i)`, giving the i-th call as a CallInput-shaped object with the
 * normalised numbers the store keeps (costNanos as a string).
 */
function createCallGenerator({ seed, from, hours, idPrefix }) {
  const random = createRandom(seed);
  return function next(i) {
    // Skewed: project 0 gets ~3%, the top 100 about a third.
    const project = Math.floor(PROJECTS * random() ** 2);
    const user = (project * 7 + Math.floor(random() * 6)) % USERS;
    const [provider, model, currency, inPrice, outPrice, latency] =
      MODELS[(project * 11 + Math.floor(random() * 4)) % MODELS.length];
    const roll = random();
    let status = 'success';
    if (roll < 0.03) status = 'failed';
    else if (roll < 0.032) status = 'processing';
    const inputTokens = Math.floor(100 + random() * 4000);
    const outputTokens = outPrice ? Math.floor(random() * 1500) : 0;
    const u = Math.max(random(), 1e-9);
    const durationMs = Math.max(
      1,
      Math.round(
        latency *
          Math.exp(
            0.6 *
              Math.sqrt(-2 * Math.log(u)) *
              Math.cos(2 * Math.PI * random()),
          ),
      ),
    );
    // Nano-units: price per 1M tokens × tokens × 1e3.
    const costNanos =
      status === 'failed'
        ? 0
        : Math.round((inputTokens * inPrice + outputTokens * outPrice) * 1e3);
    return {
      id: `${idPrefix}-${seed}-${i}`,
      occurredAt: from + Math.floor(random() * hours * HOUR),
      userRef: userRef(user),
      projectId: projectId(project),
      provider,
      model,
      type: outPrice ? 'chat' : 'embedding',
      status,
      errorReason: status === 'failed' ? 'rate_limit_exceeded' : null,
      durationMs: status === 'processing' ? null : durationMs,
      ttftMs:
        outPrice && status === 'success' ? Math.round(durationMs * 0.2) : null,
      inputTokens,
      outputTokens,
      cachedTokens: Math.floor(inputTokens * random() * 0.2),
      costNanos: String(costNanos),
      currency,
    };
  };
}

/** The same call as the ingestion API takes it. */
function toCallInput(call) {
  const input = {
    id: call.id,
    timestamp: new Date(call.occurredAt).toISOString(),
    userRef: call.userRef,
    projectId: call.projectId,
    provider: call.provider,
    model: call.model,
    type: call.type,
    status: call.status,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    cachedTokens: call.cachedTokens,
    cost: (Number(call.costNanos) / 1e9).toFixed(9),
    currency: call.currency,
  };
  if (call.errorReason) input.errorReason = call.errorReason;
  if (call.durationMs !== null) input.durationMs = call.durationMs;
  if (call.ttftMs !== null) input.ttftMs = call.ttftMs;
  return input;
}

module.exports = {
  MODELS,
  PROJECTS,
  USERS,
  projectId,
  userRef,
  createRandom,
  createCallGenerator,
  toCallInput,
};
