/*
 * Load generator for the ingestion benchmark. Runs in a worker thread so the
 * client does not share the server's event loop. The worker inherits the
 * main thread's node transform, which the call generator's PRNG needs.
 */
const { parentPort, workerData } = require('node:worker_threads');

const { url, authorization, total, batchSize, concurrency, seed, from, days } =
  workerData;
// The organisation of bench/callGenerator.js (1,000 projects, 300 users, 30
// models, skewed), as in issue 20's figures and bench:scale.
const { createCallGenerator, toCallInput } = require('./callGenerator');

const nextCall = createCallGenerator({
  seed,
  from,
  hours: days * 24,
  idPrefix: 'bench',
});

function makeCall(i) {
  return toCallInput(nextCall(i));
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
