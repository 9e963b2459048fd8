/*
 * Load generator for the ingestion benchmark. Runs in a worker thread so the
 * client does not share the server's event loop. Plain JavaScript on purpose:
 * it needs no transpiler inside the worker.
 */
const { parentPort, workerData } = require('node:worker_threads');

const { url, authorization, total, batchSize, concurrency, seed, from, days } =
  workerData;
const HOUR = 3_600_000;

let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const MODELS = [
  ['openai', 'gpt-4o', 'USD', 2.5, 10, 1800],
  ['openai', 'gpt-4o-mini', 'USD', 0.15, 0.6, 700],
  ['openai', 'o3-mini', 'USD', 1.1, 4.4, 5200],
  ['openai', 'text-embedding-3-small', 'USD', 0.02, 0, 120],
  ['anthropic', 'claude-sonnet-4', 'USD', 3, 15, 2600],
  ['anthropic', 'claude-3-5-haiku', 'USD', 0.8, 4, 900],
  ['anthropic', 'claude-opus-4', 'USD', 15, 75, 6000],
  ['openrouter', 'meta-llama/llama-3.1-70b-instruct', 'USD', 0.4, 0.4, 1500],
  ['openrouter', 'mistralai/mistral-large', 'USD', 2, 6, 1700],
  ['openrouter', 'qwen/qwen-2.5-72b-instruct', 'USD', 0.35, 0.4, 1400],
  ['volcengine', 'doubao-pro-32k', 'CNY', 0.8, 2, 1100],
  ['volcengine', 'doubao-lite-32k', 'CNY', 0.3, 0.6, 600],
];
const PROJECTS = 50;
const USERS = 40;

function makeCall(i) {
  // Skewed: low project numbers get most of the traffic.
  const project = Math.floor(PROJECTS * random() ** 2);
  const user = (project * 7 + Math.floor(random() * 3)) % USERS;
  const [provider, model, currency, inPrice, outPrice, latency] =
    MODELS[(project * 5 + Math.floor(random() * 3)) % MODELS.length];
  const failed = random() < 0.03;
  const inputTokens = Math.floor(200 + random() * 3000);
  const outputTokens = outPrice ? Math.floor(random() * 1200) : 0;
  const u = Math.max(random(), 1e-9);
  const durationMs = Math.round(
    latency *
      Math.exp(
        0.5 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()),
      ),
  );
  const costMicros = failed
    ? 0
    : Math.round(inputTokens * inPrice + outputTokens * outPrice);
  return {
    id: `bench-${seed}-${i}`,
    timestamp: new Date(
      from + Math.floor(random() * days * 24 * HOUR),
    ).toISOString(),
    userRef: `user:default/user-${user}`,
    projectId: `project-${project}`,
    provider,
    model,
    type: outPrice ? 'chat' : 'embedding',
    status: failed ? 'failed' : 'success',
    errorReason: failed ? 'rate_limit_exceeded' : undefined,
    durationMs,
    inputTokens,
    outputTokens,
    cachedTokens: Math.floor(inputTokens * random() * 0.2),
    cost: (costMicros / 1e6).toFixed(6),
    currency,
  };
}

async function main() {
  let next = 0;
  let sent = 0;
  const started = Date.now();
  async function lane() {
    for (;;) {
      const start = next;
      if (start >= total) return;
      next = Math.min(total, start + batchSize);
      const batch = [];
      for (let i = start; i < next; i++) batch.push(makeCall(i));
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(batch),
      });
      if (!res.ok)
        throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      sent += batch.length;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  parentPort.postMessage({ sent, elapsedMs: Date.now() - started });
}

main().catch(error => parentPort.postMessage({ error: String(error) }));
