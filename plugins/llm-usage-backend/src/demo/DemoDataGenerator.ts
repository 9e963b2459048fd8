import type {
  CallStatus,
  CallType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { median, sameHourBefore } from '../anomalies/detect';
import type { NormalizedCall } from '../database/types';
import { mulberry32 } from '../lib/seededRandom';

/**
 * Deterministic, realistic-looking demo traffic: a daily and weekly cycle,
 * models with their own latency and prices (USD and CNY), a few projects that
 * dominate spend, error bursts, and calls made by the guest user.
 */

interface DemoModel {
  provider: string;
  model: string;
  type: CallType;
  currency: string;
  /** Price per token in nano-units (= price per million tokens × 1000). */
  inputNanosPerToken: bigint;
  outputNanosPerToken: bigint;
  medianLatencyMs: number;
  medianInputTokens: number;
  medianOutputTokens: number;
}

const MODELS: Record<string, DemoModel> = {
  'gpt-4o': chat('openai', 'gpt-4o', 'USD', 2500n, 10000n, 1800, 1400, 450),
  'gpt-4o-mini': chat(
    'openai',
    'gpt-4o-mini',
    'USD',
    150n,
    600n,
    700,
    900,
    300,
  ),
  'text-embedding-3-small': embedding(
    'openai',
    'text-embedding-3-small',
    'USD',
    20n,
    120,
    600,
  ),
  'claude-sonnet-4': chat(
    'anthropic',
    'claude-sonnet-4-20250514',
    'USD',
    3000n,
    15000n,
    2600,
    2600,
    700,
  ),
  'claude-3-5-haiku': chat(
    'anthropic',
    'claude-3-5-haiku-20241022',
    'USD',
    800n,
    4000n,
    900,
    1200,
    250,
  ),
  'llama-3.1-70b': chat(
    'openrouter',
    'meta-llama/llama-3.1-70b-instruct',
    'USD',
    400n,
    400n,
    1500,
    1100,
    380,
  ),
  'doubao-pro': chat(
    'volcengine',
    'doubao-pro-32k',
    'CNY',
    800n,
    2000n,
    1100,
    1500,
    420,
  ),
  'doubao-embedding': embedding(
    'volcengine',
    'doubao-embedding',
    'CNY',
    500n,
    150,
    500,
  ),
};

interface DemoProject {
  id: string;
  /** Relative share of all traffic. */
  weight: number;
  users: string[];
  models: Array<[modelKey: string, weight: number]>;
}

const user = (name: string) => `user:default/${name}`;

export const DEMO_PROJECTS: DemoProject[] = [
  {
    id: 'support-bot',
    weight: 30,
    users: ['alice.chen', 'bob.smith', 'guest'],
    models: [
      ['gpt-4o', 5],
      ['gpt-4o-mini', 10],
      ['claude-3-5-haiku', 3],
    ],
  },
  {
    id: 'code-review',
    weight: 18,
    users: ['carol.wu', 'dan.lee'],
    models: [
      ['claude-sonnet-4', 8],
      ['gpt-4o', 2],
    ],
  },
  {
    id: 'search-rag',
    weight: 16,
    users: ['alice.chen', 'erin.kim'],
    models: [
      ['text-embedding-3-small', 12],
      ['gpt-4o-mini', 6],
      ['llama-3.1-70b', 2],
    ],
  },
  {
    id: 'doc-summarizer',
    weight: 9,
    users: ['dan.lee', 'frank.zhang'],
    models: [
      ['claude-3-5-haiku', 6],
      ['llama-3.1-70b', 3],
    ],
  },
  {
    id: 'sales-email',
    weight: 8,
    users: ['guest', 'erin.kim'],
    models: [
      ['gpt-4o', 3],
      ['claude-sonnet-4', 1],
    ],
  },
  {
    id: 'data-labeling',
    weight: 7,
    users: ['frank.zhang', 'carol.wu'],
    models: [
      ['llama-3.1-70b', 5],
      ['gpt-4o-mini', 5],
    ],
  },
  {
    id: 'translation',
    weight: 8,
    users: ['guest', 'frank.zhang'],
    models: [
      ['doubao-pro', 8],
      ['doubao-embedding', 2],
    ],
  },
  {
    id: 'analytics-sql',
    weight: 4,
    users: ['bob.smith'],
    models: [
      ['gpt-4o', 2],
      ['claude-sonnet-4', 1],
    ],
  },
];

const RATE_LIMITED = 'rate_limit_exceeded: Rate limit reached for requests';
const TOO_LONG =
  'context_length_exceeded: Input is longer than the model context window';
const OUTAGE_REASONS = [
  'upstream_timeout: The provider did not answer within 60s',
  'server_error: The server had an error while processing your request',
];

/**
 * Why a demo call failed, in keeping with the call: a provider outage
 * (a burst) times out or errors, a context-length error needs a long input,
 * anything else was rate limited.
 */
function failureReason(
  draw: number,
  inBurst: boolean,
  longInput: boolean,
): string {
  if (inBurst) {
    return OUTAGE_REASONS[Math.floor(draw * OUTAGE_REASONS.length)];
  }
  return longInput && draw < 0.5 ? TOO_LONG : RATE_LIMITED;
}

export interface DemoOptions {
  days: number;
  callsPerDay: number;
  now: number;
  seed?: number;
  /** Adds the {@link DEMO_ANOMALY} burst, so the demo has an anomaly alert. */
  anomaly?: boolean;
}

/**
 * The demo's injected anomaly: a script looping on the growth team's
 * Anthropic key (a provider that can disable keys) in one of the last
 * hours, many times the hour's usual traffic, as a leaked key would make.
 * The hour is the busiest (by the same hour of earlier weeks) of the last
 * `withinHours` closed hours, so the key has a usual level to compare with
 * whatever the time of day.
 */
export const DEMO_ANOMALY = {
  keyId: 'demo-key-anthropic-sales-email',
  projectId: 'sales-email',
  modelKey: 'claude-sonnet-4',
  withinHours: 12,
  /** At least this many calls, and this multiple of the usual level. */
  minCalls: 60,
  factor: 10,
};

/** Yields the demo calls in batches, oldest first. */
export function* generateDemoCalls(
  options: DemoOptions,
  batchSize = 1000,
): Generator<NormalizedCall[]> {
  const random = mulberry32(options.seed ?? 20261123);
  const hourMs = 3_600_000;
  const end = Math.floor(options.now / hourMs) * hourMs + hourMs;
  const start = end - options.days * 24 * hourMs;
  const totalWeight = DEMO_PROJECTS.reduce((sum, p) => sum + p.weight, 0);
  // Three error bursts, each hitting one provider for two hours.
  const bursts = [0.2, 0.55, 0.9].map((at, i) => ({
    start: start + Math.floor(((end - start) * at) / hourMs) * hourMs,
    provider: ['openai', 'anthropic', 'volcengine'][i],
  }));

  let batch: NormalizedCall[] = [];
  let sequence = 0;
  // The anomaly key's calls per hour, for picking the hour of the anomaly.
  const anomalyKeyHours: number[] = new Array(options.days * 24).fill(0);
  for (let hour = start; hour < end; hour += hourMs) {
    const date = new Date(hour);
    const hourOfDay = date.getUTCHours();
    const weekday = date.getUTCDay();
    // Office hours peak around 02:00-10:00 UTC (Asia) and 13:00-17:00 UTC (Europe).
    const daily =
      0.35 +
      Math.max(Math.sin(((hourOfDay - 0) / 24) * Math.PI * 2 - 0.3), 0) +
      0.4 * gaussianBump(hourOfDay, 15, 2.5);
    const weekly = weekday === 0 || weekday === 6 ? 0.45 : 1;
    const expected = ((options.callsPerDay / 24) * daily * weekly) / 0.82;
    const callsThisHour = Math.max(
      0,
      Math.round(expected * (0.85 + random() * 0.3)),
    );
    for (let i = 0; i < callsThisHour; i++) {
      const occurredAt = hour + Math.floor(random() * hourMs);
      if (occurredAt > options.now) continue;
      const project = pickWeighted(
        DEMO_PROJECTS.map(p => [p, p.weight / totalWeight] as const),
        random,
      );
      const modelKey = pickWeighted(project.models, random);
      sequence++;
      const call = demoCall(
        { occurredAt, project, modelKey, sequence, now: options.now, bursts },
        random,
      );
      if (call.apiKeyId === DEMO_ANOMALY.keyId) {
        anomalyKeyHours[(hour - start) / hourMs] += 1;
      }
      batch.push(call);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (options.anomaly) {
    // Its own PRNG: the traffic above is the same with or without it.
    const draw = mulberry32((options.seed ?? 20261123) + 1);
    const hour =
      start + anomalyHour(anomalyKeyHours, options.now - start) * hourMs;
    const usual = median(
      sameHourBefore(anomalyKeyHours, (hour - start) / hourMs, 4),
    );
    const project = DEMO_PROJECTS.find(p => p.id === DEMO_ANOMALY.projectId)!;
    const count = Math.max(
      DEMO_ANOMALY.minCalls,
      Math.round(DEMO_ANOMALY.factor * usual),
    );
    for (let i = 0; i < count; i++) {
      sequence++;
      batch.push(
        demoCall(
          {
            occurredAt: hour + Math.floor(draw() * hourMs),
            project,
            modelKey: DEMO_ANOMALY.modelKey,
            sequence,
            now: options.now,
            bursts,
          },
          draw,
        ),
      );
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Index of the anomaly's hour: of the last closed hours before `elapsedMs`
 * (since the first hour), the one with the highest usual level (the latest
 * on a tie).
 */
function anomalyHour(hours: number[], elapsedMs: number): number {
  const lastClosed = Math.floor(elapsedMs / 3_600_000) - 1;
  let best = lastClosed;
  for (
    let index = lastClosed;
    index > lastClosed - DEMO_ANOMALY.withinHours;
    index--
  ) {
    if (
      median(sameHourBefore(hours, index, 4)) >
      median(sameHourBefore(hours, best, 4))
    ) {
      best = index;
    }
  }
  return best;
}

interface Burst {
  start: number;
  provider: string;
}

/** One demo call of a project's model at `occurredAt`, drawn from `random`. */
function demoCall(
  input: {
    occurredAt: number;
    project: DemoProject;
    modelKey: string;
    sequence: number;
    now: number;
    bursts: Burst[];
  },
  random: () => number,
): NormalizedCall {
  const { occurredAt, project, modelKey, sequence, now, bursts } = input;
  const hourMs = 3_600_000;
  const model = MODELS[modelKey];
  const userName = project.users[Math.floor(random() * project.users.length)];
  const inBurst = bursts.some(
    b =>
      b.provider === model.provider &&
      occurredAt >= b.start &&
      occurredAt < b.start + 2 * hourMs,
  );
  const failed = random() < (inBurst ? 0.35 : 0.015);
  // Calls in the last two minutes may still be running.
  const processing = !failed && now - occurredAt < 120_000 && random() < 0.5;
  let status: CallStatus = 'success';
  if (failed) status = 'failed';
  else if (processing) status = 'processing';
  const inputTokens = Math.round(
    model.medianInputTokens * logNormal(random, 0.6),
  );
  const outputTokens =
    model.type === 'embedding' || failed
      ? 0
      : Math.round(model.medianOutputTokens * logNormal(random, 0.5));
  const durationMs = processing
    ? null
    : Math.max(
        20,
        Math.round(
          model.medianLatencyMs *
            logNormal(random, 0.45) *
            (failed && inBurst ? 8 : 1),
        ),
      );
  return {
    id: `demo-${occurredAt.toString(36)}-${sequence.toString(36)}`,
    occurredAt,
    userRef: user(userName),
    projectId: project.id,
    apiKeyId: `demo-key-${model.provider}-${project.id}`,
    provider: model.provider,
    model: model.model,
    type: model.type,
    status,
    errorReason: failed
      ? failureReason(
          random(),
          inBurst,
          inputTokens > 2 * model.medianInputTokens,
        )
      : null,
    durationMs,
    ttftMs:
      durationMs !== null && model.type === 'chat' && !failed
        ? Math.round(durationMs * (0.15 + random() * 0.2))
        : null,
    inputTokens,
    outputTokens,
    cachedTokens:
      model.type === 'chat' ? Math.round(inputTokens * random() * 0.3) : 0,
    costNanos: failed
      ? 0n
      : BigInt(inputTokens) * model.inputNanosPerToken +
        BigInt(outputTokens) * model.outputNanosPerToken,
    currency: model.currency,
    metadata: {
      demo: true,
      region: random() < 0.7 ? 'eu-west-1' : 'ap-southeast-1',
    },
  };
}

function chat(
  provider: string,
  model: string,
  currency: string,
  inputNanosPerToken: bigint,
  outputNanosPerToken: bigint,
  medianLatencyMs: number,
  medianInputTokens: number,
  medianOutputTokens: number,
): DemoModel {
  return {
    provider,
    model,
    type: 'chat',
    currency,
    inputNanosPerToken,
    outputNanosPerToken,
    medianLatencyMs,
    medianInputTokens,
    medianOutputTokens,
  };
}

function embedding(
  provider: string,
  model: string,
  currency: string,
  inputNanosPerToken: bigint,
  medianLatencyMs: number,
  medianInputTokens: number,
): DemoModel {
  return {
    ...chat(
      provider,
      model,
      currency,
      inputNanosPerToken,
      0n,
      medianLatencyMs,
      medianInputTokens,
      0,
    ),
    type: 'embedding',
  };
}

function gaussianBump(x: number, centre: number, width: number) {
  return Math.exp(-((x - centre) ** 2) / (2 * width * width));
}

function pickWeighted<T>(
  items: ReadonlyArray<readonly [T, number]>,
  random: () => number,
): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let target = random() * total;
  for (const [item, weight] of items) {
    target -= weight;
    if (target <= 0) return item;
  }
  return items[items.length - 1][0];
}

/** A log-normal multiplier with median 1. */
function logNormal(random: () => number, sigma: number) {
  const u = Math.max(random(), 1e-12);
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.exp(sigma * normal);
}
