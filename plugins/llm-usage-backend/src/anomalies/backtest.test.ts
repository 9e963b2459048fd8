import type { NormalizedCall } from '../database/types';
import { generateDemoCalls } from '../demo/DemoDataGenerator';
import { mulberry32 } from '../lib/seededRandom';
import {
  DEFAULT_SENSITIVITY,
  HOUR_MS,
  type SubjectHours,
  subjectOffHours,
  subjectSpikes,
} from './detect';

/*
 * Backtest on the demo generator's traffic (five weeks, its daily and weekly
 * rhythm, noise and provider outages): anomalies are injected as extra calls
 * of one key in one hour, the detector looks at the last week with the
 * default sensitivity, and precision and recall are measured per (key, hour).
 */

const NOW = Date.UTC(2026, 11, 4, 12);
const DAYS = 35;
const EVALUATED_HOURS = 7 * 24;
const END = Math.floor(NOW / HOUR_MS) * HOUR_MS + HOUR_MS;
const START = END - DAYS * 24 * HOUR_MS;
const FROM = DAYS * 24 - EVALUATED_HOURS;

const demoCalls = [
  ...generateDemoCalls({ days: DAYS, callsPerDay: 3000, now: NOW }),
].flat();
const keyIds = [...new Set(demoCalls.map(call => call.apiKeyId!))].sort();

/** Hourly requests, tokens and spend per key, as the hourly rollup sums them. */
function hoursByKey(calls: NormalizedCall[]): Map<string, SubjectHours> {
  const length = DAYS * 24;
  const byKey = new Map<string, SubjectHours>();
  for (const call of calls) {
    const keyId = call.apiKeyId!;
    let hours = byKey.get(keyId);
    if (!hours) {
      hours = {
        start: START,
        requests: new Array(length).fill(0),
        tokens: new Array(length).fill(0),
        spend: new Map(),
      };
      byKey.set(keyId, hours);
    }
    const index = Math.floor((call.occurredAt - START) / HOUR_MS);
    if (index < 0 || index >= length) continue;
    hours.requests[index] += 1;
    hours.tokens[index] += call.inputTokens + call.outputTokens;
    let spend = hours.spend.get(call.currency);
    if (!spend) {
      spend = new Array(length).fill(0);
      hours.spend.set(call.currency, spend);
    }
    spend[index] += Number(call.costNanos) / 1e9;
  }
  return byKey;
}

/** (key, hour index) pairs the detector flags in the evaluated week. */
function detected(byKey: Map<string, SubjectHours>): Set<string> {
  const flagged = new Set<string>();
  for (const [keyId, hours] of byKey) {
    for (const spike of subjectSpikes(hours, FROM, DEFAULT_SENSITIVITY)) {
      flagged.add(`${keyId}@${spike.index}`);
    }
    for (const hour of subjectOffHours(hours, FROM, DEFAULT_SENSITIVITY)) {
      flagged.add(`${keyId}@${hour.index}`);
    }
  }
  return flagged;
}

/**
 * Extra calls of one key in one hour: a burst of three to eight times the
 * hour's traffic (at least 40 calls, as a script looping on a leaked key
 * makes), each a copy of one of the key's own calls.
 */
function inject(
  calls: NormalizedCall[],
  count: number,
  seed: number,
): { calls: NormalizedCall[]; injected: Set<string> } {
  const random = mulberry32(seed);
  const byKey = new Map<string, NormalizedCall[]>();
  for (const call of calls) {
    const list = byKey.get(call.apiKeyId!) ?? [];
    list.push(call);
    byKey.set(call.apiKeyId!, list);
  }
  const injected = new Set<string>();
  const extra: NormalizedCall[] = [];
  while (injected.size < count) {
    const keyId = keyIds[Math.floor(random() * keyIds.length)];
    const index = FROM + Math.floor(random() * (EVALUATED_HOURS - 1));
    const label = `${keyId}@${index}`;
    if (injected.has(label)) continue;
    injected.add(label);
    const own = byKey.get(keyId)!;
    const hourStart = START + index * HOUR_MS;
    const inHour = own.filter(
      call =>
        call.occurredAt >= hourStart && call.occurredAt < hourStart + HOUR_MS,
    ).length;
    const factor = 3 + random() * 5;
    const burst = Math.max(40, Math.round((factor - 1) * inHour));
    for (let i = 0; i < burst; i++) {
      const template = own[Math.floor(random() * own.length)];
      extra.push({
        ...template,
        id: `injected-${label}-${i}`,
        occurredAt: hourStart + Math.floor(random() * HOUR_MS),
      });
    }
  }
  return { calls: [...calls, ...extra], injected };
}

describe('anomaly backtest on the demo traffic', () => {
  it('finds injected bursts with precision and recall of at least 0.8', () => {
    let truePositives = 0;
    let flaggedTotal = 0;
    let injectedTotal = 0;
    let found = 0;
    for (const seed of [1, 2, 3]) {
      const { calls, injected } = inject(demoCalls, 20, seed);
      const flagged = detected(hoursByKey(calls));
      flaggedTotal += flagged.size;
      injectedTotal += injected.size;
      truePositives += [...flagged].filter(label => injected.has(label)).length;
      found += [...injected].filter(label => flagged.has(label)).length;
    }
    const precision = truePositives / flaggedTotal;
    const recall = found / injectedTotal;
    // Printed so a change of the detector shows what it did to both.
    // eslint-disable-next-line no-console
    console.log(
      `anomaly backtest: ${injectedTotal} injected, ${flaggedTotal} flagged, precision ${precision.toFixed(
        3,
      )}, recall ${recall.toFixed(3)}`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });

  it('raises at most one finding in a week of seasonal traffic without injections', () => {
    const flagged = detected(hoursByKey(demoCalls));
    expect(keyIds.length).toBeGreaterThan(10);
    expect(flagged.size).toBeLessThanOrEqual(1);
  });

  it('misses bursts again when the sensitivity is turned down, so the knob works', () => {
    const { calls, injected } = inject(demoCalls, 20, 1);
    const byKey = hoursByKey(calls);
    let found = 0;
    for (const [keyId, hours] of byKey) {
      for (const spike of subjectSpikes(hours, FROM, {
        ...DEFAULT_SENSITIVITY,
        threshold: 60,
      })) {
        if (injected.has(`${keyId}@${spike.index}`)) found++;
      }
    }
    expect(found).toBeLessThan(injected.size / 2);
  });
});
