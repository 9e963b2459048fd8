import { generateDemoCalls } from './DemoDataGenerator';

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
