import { DEFAULT_ALERT_RULES } from '../alerts/AlertRuleStore';
import { findAnomalies } from '../anomalies/anomalyConditions';
import type { SubjectHours } from '../anomalies/detect';
import type { NormalizedCall } from '../database/types';
import { DEMO_ANOMALY, generateDemoCalls } from './DemoDataGenerator';

describe('generateDemoCalls', () => {
  const calls = [
    ...generateDemoCalls({
      days: 30,
      callsPerDay: 400,
      now: Date.UTC(2026, 11, 4, 12),
    }),
  ].flat();
  const failed = calls.filter(c => c.status === 'failed');

  it('fails some calls, each for a reason that fits the call', () => {
    expect(failed.length).toBeGreaterThan(50);
    // The median input of each model's successful calls.
    const medians = new Map<string, number>();
    for (const model of new Set(calls.map(c => c.model))) {
      const inputs = calls
        .filter(c => c.model === model && c.status === 'success')
        .map(c => c.inputTokens)
        .sort((a, b) => a - b);
      medians.set(model, inputs[Math.floor(inputs.length / 2)] ?? 0);
    }
    for (const call of failed) {
      expect(call.errorReason).toBeTruthy();
      expect(call.outputTokens).toBe(0);
      expect(call.costNanos).toBe(0n);
    }
    // Too long for the context window: a long input, never a short one.
    const shortContextFailures = failed.filter(
      c =>
        c.errorReason!.startsWith('context_length_exceeded') &&
        c.inputTokens <= medians.get(c.model)!,
    );
    expect(shortContextFailures).toEqual([]);
    const reasons = new Set(failed.map(c => c.errorReason!.split(':')[0]));
    expect([...reasons].sort()).toEqual([
      'context_length_exceeded',
      'rate_limit_exceeded',
      'server_error',
      'upstream_timeout',
    ]);
  });

  it('times out or errors only in an outage burst, where calls are slow', () => {
    const outage = failed.filter(c =>
      /^(upstream_timeout|server_error)/.test(c.errorReason!),
    );
    const ordinary = calls.filter(
      c => c.status === 'success' && c.durationMs !== null,
    );
    const median = (values: number[]) =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    expect(median(outage.map(c => c.durationMs!))).toBeGreaterThan(
      3 * median(ordinary.map(c => c.durationMs!)),
    );
  });
});

describe('the injected anomaly', () => {
  const HOUR = 3_600_000;
  const WINDOW_HOURS = 24;
  const { params } = DEFAULT_ALERT_RULES.anomaly;
  const generate = (now: number, anomaly: boolean) =>
    [
      ...generateDemoCalls({ days: 30, callsPerDay: 1500, now, anomaly }),
    ].flat();

  /** The anomaly key's closed hours as AnomalyReader reads them from the rollups. */
  function keySubject(calls: NormalizedCall[], now: number) {
    const end = Math.floor(now / HOUR) * HOUR;
    const windowStart = end - WINDOW_HOURS * HOUR;
    const start = windowStart - params.baselineWeeks * 168 * HOUR;
    const length = (end - start) / HOUR;
    const hours: SubjectHours = {
      start,
      requests: new Array(length).fill(0),
      tokens: new Array(length).fill(0),
      spend: new Map([['USD', new Array(length).fill(0)]]),
    };
    for (const call of calls) {
      const index = Math.floor((call.occurredAt - start) / HOUR);
      if (call.apiKeyId !== DEMO_ANOMALY.keyId || index < 0 || index >= length)
        continue;
      hours.requests[index] += 1;
      hours.tokens[index] += call.inputTokens + call.outputTokens;
      hours.spend.get(call.currency)![index] += Number(call.costNanos) / 1e9;
    }
    const subject = { type: 'key' as const, id: DEMO_ANOMALY.keyId, hours };
    return {
      subject: { ...subject, models: [] },
      window: { windowIndex: length - WINDOW_HOURS, windowStart },
    };
  }

  // A weekday morning, a weekday night, a Saturday evening, a Sunday at dawn.
  it.each([
    '2026-12-04T12:30:00Z',
    '2026-12-02T23:10:00Z',
    '2026-12-05T19:45:00Z',
    '2026-12-06T04:05:00Z',
  ])('is a spike the detector finds in the last hours (now %s)', at => {
    const now = Date.parse(at);
    const plain = generate(now, false);
    const withAnomaly = generate(now, true);
    // Only calls are added, of the anomaly key, in one closed hour of the
    // last twelve: the rest of the demo is the same call for call.
    expect(withAnomaly.slice(0, plain.length)).toEqual(plain);
    const added = withAnomaly.slice(plain.length);
    expect(added.length).toBeGreaterThanOrEqual(DEMO_ANOMALY.minCalls);
    expect(new Set(added.map(c => c.apiKeyId))).toEqual(
      new Set([DEMO_ANOMALY.keyId]),
    );
    const hours = new Set(added.map(c => Math.floor(c.occurredAt / HOUR)));
    expect(hours.size).toBe(1);
    const [hour] = [...hours];
    const lastClosed = Math.floor(now / HOUR) - 1;
    expect(hour).toBeLessThanOrEqual(lastClosed);
    expect(hour).toBeGreaterThan(lastClosed - DEMO_ANOMALY.withinHours);

    // Without it, the demo key shows nothing unusual; with it, a request
    // spike at that hour, with the evidence the alert carries.
    const quiet = keySubject(plain, now);
    expect(findAnomalies(quiet.subject, quiet.window, params)).toEqual([]);
    const loud = keySubject(withAnomaly, now);
    const found = findAnomalies(loud.subject, loud.window, params);
    const spike = found.find(f => f.kind === 'request_spike');
    expect(spike?.params).toMatchObject({
      at: new Date(hour * HOUR).toISOString(),
      series: expect.any(String),
      baselineSeries: expect.any(String),
    });
    expect(Number(spike!.params.value)).toBeGreaterThanOrEqual(
      params.minRatio * Number(spike!.params.baseline),
    );
    expect(Number(spike!.params.score)).toBeGreaterThanOrEqual(params.minScore);
  });
});
