/*
 * Load generator for bench/scale.ts and bench/soak.ts, run as a child process
 * so that neither its CPU nor its memory is counted as the server's. Started
 * with Backstage's node transform only, for the call generator's PRNG.
 *
 * Messages in (one job at a time):
 *   { kind: 'get', url, paths?, headers, connections, durationSeconds }
 *   { kind: 'ingest', url, headers, connections, batchSize, seed, from, hours, idPrefix,
 *     and either batches or durationSeconds with batchesPerSecond }
 * Message out: { requests, errors, non2xx, p50, p95, p99, elapsedMs, sent }
 */
const autocannon = require('autocannon');
const { createCallGenerator, toCallInput } = require('./callGenerator');

function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[
    Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))
  ];
}

function run(options, makeRequests) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    let non2xx = 0;
    const started = Date.now();
    const instance = autocannon(
      { ...options, requests: makeRequests() },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        latencies.sort((a, b) => a - b);
        resolve({
          requests: latencies.length,
          errors: result.errors + result.timeouts,
          non2xx,
          p50: percentile(latencies, 0.5),
          p95: percentile(latencies, 0.95),
          p99: percentile(latencies, 0.99),
          elapsedMs: Date.now() - started,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode < 200 || statusCode >= 300) non2xx += 1;
    });
  });
}

async function handle(job) {
  if (job.kind === 'get') {
    return run(
      {
        url: job.url,
        headers: job.headers,
        connections: job.connections,
        duration: job.durationSeconds,
        // Slow is measured, not failed: only a real failure is an error.
        timeout: 60,
      },
      // Each connection cycles through the paths, or the url alone.
      () =>
        job.paths
          ? job.paths.map(path => ({ method: 'GET', path }))
          : [{ method: 'GET' }],
    );
  }
  if (job.kind === 'ingest') {
    const next = createCallGenerator({
      seed: job.seed,
      from: job.from,
      hours: job.hours,
      idPrefix: job.idPrefix,
    });
    let index = 0;
    const result = await run(
      {
        url: job.url,
        headers: { ...job.headers, 'content-type': 'application/json' },
        connections: job.connections,
        // A fixed number of batches, or a steady rate for a duration.
        ...(job.durationSeconds
          ? { duration: job.durationSeconds, overallRate: job.batchesPerSecond }
          : { amount: job.batches }),
        timeout: 120,
        // A batch per request, generated as it is sent: ids never repeat.
      },
      () => [
        {
          method: 'POST',
          setupRequest: request => {
            const batch = [];
            for (let i = 0; i < job.batchSize; i++) {
              batch.push(toCallInput(next(index++)));
            }
            return { ...request, body: JSON.stringify(batch) };
          },
        },
      ],
    );
    return { ...result, sent: index };
  }
  throw new Error(`Unknown job ${job.kind}`);
}

process.on('message', job => {
  handle(job).then(
    result => process.send({ loadClient: true, ok: true, result }),
    error =>
      process.send({
        loadClient: true,
        ok: false,
        error:
          error instanceof Error
            ? `${error.message}\n${error.stack}`
            : JSON.stringify(error),
      }),
  );
});
