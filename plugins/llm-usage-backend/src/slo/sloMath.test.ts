import { HOUR_MS } from '../database/tables';
import {
  type HourSample,
  budgetBurnSeries,
  burnAlerts,
  burnRate,
  evaluateObjective,
  judgeHours,
} from './sloMath';
import { objectivesFromAnnotations, sloSettingsSchema } from './sloDeclaration';

const END = Date.UTC(2026, 11, 4, 12);

/** `count` hours ending at `end`, the n-th hour back given by `latency(n)` (1 = the last hour). */
function hours(
  count: number,
  latency: (hoursBack: number) => number | null,
  end = END,
): HourSample[] {
  return Array.from({ length: count }, (_, i) => {
    const back = count - i;
    const p95 = latency(back);
    return {
      hourStart: end - back * HOUR_MS,
      finished: p95 === null ? 0 : 10,
      failed: 0,
      p95LatencyMs: p95,
      meanTtftMs: null,
    };
  });
}

const latencySlo = (target: number, windowDays: number) => ({
  metric: 'latencyP95' as const,
  threshold: 3000,
  target,
  windowDays,
});

describe('SLO maths against hand-computed series', () => {
  it('counts good hours, the budget and each burn rate (90 %, 1 day, 2 bad of 24)', () => {
    // Hours 1 and 10 back are slow; the other 22 are fast.
    const samples = hours(24, back => (back === 1 || back === 10 ? 4000 : 900));
    const report = evaluateObjective(latencySlo(0.9, 1), samples, END);
    expect(report.countedHours).toBe(24);
    expect(report.goodHours).toBe(22);
    expect(report.badHours).toBe(2);
    expect(report.attainment).toBeCloseTo(22 / 24, 10);
    // 2.4 bad hours allowed: 2 spent leaves 1/6 of the budget.
    expect(report.errorBudgetRemaining).toBeCloseTo(1 / 6, 8);
    const rates = Object.fromEntries(
      report.burnRates.map(r => [r.hours, r.burnRate]),
    );
    expect(rates[1]).toBeCloseTo(10, 10); // 1 of 1 over 0.1
    expect(rates[6]).toBeCloseTo(1 / 6 / 0.1, 10); // 1.667
    expect(rates[24]).toBeCloseTo(2 / 24 / 0.1, 10); // 0.833
    expect(rates[72]).toBeCloseTo(2 / 24 / 0.1, 10); // only the window's 24 hours
    // Fast needs 6 over 6 h (1.67), slow 1 over 72 h (0.83): neither fires.
    expect(report.alerts.map(a => [a.tier, a.firing])).toEqual([
      ['fast', false],
      ['slow', false],
    ]);
    expect(report.brokenHours.map(h => h.hourStart)).toEqual([
      new Date(END - HOUR_MS).toISOString(),
      new Date(END - 10 * HOUR_MS).toISOString(),
    ]);
    expect(report.windowStart).toBe(new Date(END - 24 * HOUR_MS).toISOString());
  });

  it('fires the fast and slow tiers on one bad hour at 99 %, and the fast one stops after a good hour', () => {
    // 100 counted hours, the last one slow.
    const samples = hours(100, back => (back === 1 ? 5000 : 1000));
    const report = evaluateObjective(latencySlo(0.99, 28), samples, END);
    const rates = Object.fromEntries(
      report.burnRates.map(r => [r.hours, r.burnRate]),
    );
    expect(rates[1]).toBeCloseTo(100, 8);
    expect(rates[6]).toBeCloseTo(100 / 6, 8); // 16.67 ≥ 6
    expect(rates[24]).toBeCloseTo(100 / 24, 8); // 4.17
    expect(rates[72]).toBeCloseTo(100 / 72, 8); // 1.39 ≥ 1
    expect(report.alerts.every(a => a.firing)).toBe(true);
    // One bad hour allowed in 100: all of it spent.
    expect(report.errorBudgetRemaining).toBeCloseTo(0, 10);

    const later = [
      ...samples,
      { ...samples[0], hourStart: END, p95LatencyMs: 800 },
    ];
    const next = evaluateObjective(latencySlo(0.99, 28), later, END + HOUR_MS);
    expect(next.alerts.map(a => [a.tier, a.firing])).toEqual([
      ['fast', false],
      ['slow', true],
    ]);
  });

  it('leaves hours without finished calls out, and a window without any has no figures', () => {
    const samples = hours(12, back => (back % 2 === 0 ? null : 1000));
    expect(judgeHours(latencySlo(0.99, 1), samples)).toHaveLength(6);
    const idle = evaluateObjective(
      latencySlo(0.99, 1),
      hours(5, () => null),
      END,
    );
    expect(idle.attainment).toBeNull();
    expect(idle.errorBudgetRemaining).toBeNull();
    expect(idle.burnRates.every(r => r.burnRate === null)).toBe(true);
    expect(idle.alerts.some(a => a.firing)).toBe(false);
    // No counted hour in the last hour: the short window cannot confirm.
    const quiet = hours(6, back => (back === 1 ? null : 9000));
    expect(burnRate(judgeHours(latencySlo(0.99, 1), quiet), END, 1, 0.99)).toBe(
      null,
    );
    expect(
      burnAlerts(judgeHours(latencySlo(0.99, 1), quiet), END, 0.99)[0].firing,
    ).toBe(false);
  });

  it('judges the error rate on finished calls, the threshold itself being good', () => {
    const at = (back: number, finished: number, failed: number) => ({
      hourStart: END - back * HOUR_MS,
      finished,
      failed,
      p95LatencyMs: null,
      meanTtftMs: null,
    });
    const judged = judgeHours({ metric: 'errorRate', threshold: 0.01 }, [
      at(1, 200, 3),
      at(2, 100, 1),
      at(3, 0, 0),
    ]);
    expect(judged.map(h => [h.value, h.good])).toEqual([
      [0.01, true],
      [0.015, false],
    ]);
  });

  it('steps the budget down at the end of each broken hour', () => {
    // 10 hours at 90 %: one bad hour allowed; hours 7 and 3 back are bad.
    const samples = hours(10, back => (back === 7 || back === 3 ? 4000 : 100));
    const start = END - 10 * HOUR_MS;
    const series = budgetBurnSeries(
      judgeHours(latencySlo(0.9, 1), samples),
      start,
      END,
      0.9,
    );
    expect(series).toEqual([
      { at: start, budgetRemaining: 1 },
      { at: END - 6 * HOUR_MS, budgetRemaining: 0 },
      { at: END - 2 * HOUR_MS, budgetRemaining: -1 },
      { at: END, budgetRemaining: -1 },
    ]);
  });

  it('judges TTFT by the hour mean', () => {
    const judged = judgeHours({ metric: 'ttft', threshold: 500 }, [
      {
        hourStart: END - HOUR_MS,
        finished: 4,
        failed: 0,
        p95LatencyMs: 9000,
        meanTtftMs: 450,
      },
    ]);
    expect(judged).toEqual([
      { hourStart: END - HOUR_MS, value: 450, calls: 4, good: true },
    ]);
  });
});

describe('SLO declarations', () => {
  it('reads thresholds, target and window from annotations', () => {
    expect(
      objectivesFromAnnotations({
        'llm-usage.io/slo-p95-latency-ms': '3s',
        'llm-usage.io/slo-error-rate': '1%',
        'llm-usage.io/slo-ttft-ms': '800ms',
        'llm-usage.io/slo-target': '99.5%',
        'llm-usage.io/slo-window': '4w',
      }),
    ).toEqual({
      objectives: [
        {
          metric: 'latencyP95',
          threshold: 3000,
          target: 0.995,
          windowDays: 28,
        },
        { metric: 'errorRate', threshold: 0.01, target: 0.995, windowDays: 28 },
        { metric: 'ttft', threshold: 800, target: 0.995, windowDays: 28 },
      ],
      invalid: [],
    });
  });

  it('defaults target and window, and names unreadable values', () => {
    expect(
      objectivesFromAnnotations({
        'llm-usage.io/slo-p95-latency-ms': '3000',
        'llm-usage.io/slo-error-rate': 'low',
      }),
    ).toEqual({
      objectives: [
        { metric: 'latencyP95', threshold: 3000, target: 0.99, windowDays: 28 },
      ],
      invalid: [{ annotation: 'llm-usage.io/slo-error-rate', value: 'low' }],
    });
    // A target nobody can read judges nothing rather than by a default.
    expect(
      objectivesFromAnnotations({
        'llm-usage.io/slo-p95-latency-ms': '3000',
        'llm-usage.io/slo-target': '100%',
      }).objectives,
    ).toEqual([]);
    expect(objectivesFromAnnotations({})).toEqual({
      objectives: [],
      invalid: [],
    });
  });

  it('validates settings, naming the field', () => {
    const bad = sloSettingsSchema.safeParse({
      objectives: [
        { metric: 'errorRate', threshold: 5, target: 0.99, windowDays: 28 },
      ],
    });
    expect(bad.success).toBe(false);
    expect(!bad.success && bad.error.issues[0].path).toEqual([
      'objectives',
      0,
      'threshold',
    ]);
    const twice = sloSettingsSchema.safeParse({
      objectives: [
        { metric: 'ttft', threshold: 5, target: 0.99, windowDays: 28 },
        { metric: 'ttft', threshold: 6, target: 0.99, windowDays: 28 },
      ],
    });
    expect(twice.success).toBe(false);
  });
});
