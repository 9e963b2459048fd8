import type {
  AnomalyKind,
  AnomalyRuleParams,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  escalate,
  ownerOf,
  type ConditionContext,
} from '../alerts/conditions/context';
import type { AlertCondition, AlertParams } from '../alerts/types';
import type {
  AnomalyData,
  AnomalyReader,
  AnomalySubject,
  KeySubject,
} from './AnomalyReader';
import {
  type Sensitivity,
  type SpikeMetric,
  leakedDays,
  median,
  newModels,
  sameHourBefore,
  subjectOffHours,
  subjectSpikes,
} from './detect';

/** Hours of evidence an alert carries: the day up to the worst hour. */
const EVIDENCE_HOURS = 24;

const SPIKE_KIND: Record<SpikeMetric, AnomalyKind> = {
  requests: 'request_spike',
  tokens: 'token_spike',
  spend: 'spend_spike',
};

/** One anomaly of a subject before it becomes an alert. */
export interface AnomalyFinding {
  kind: AnomalyKind;
  /**
   * What makes it this finding and no other: the kind and its window (the
   * UTC day of the hours, the model), so a burst lasting hours is one alert.
   */
  dedupe: string;
  params: AlertParams;
}

export function sensitivityOf(params: AnomalyRuleParams): Sensitivity {
  return {
    threshold: params.minScore,
    minRatio: params.minRatio,
    minRequests: params.minRequests,
    weeks: params.baselineWeeks,
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
const utcDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** The day of values up to `index` and their hour-of-week baselines, as JSON. */
function evidence(values: number[], index: number, weeks: number) {
  const from = Math.max(0, index - EVIDENCE_HOURS + 1);
  const series: number[] = [];
  const baselines: number[] = [];
  for (let i = from; i <= index; i++) {
    series.push(round(values[i]));
    baselines.push(round(median(sameHourBefore(values, i, weeks))));
  }
  return {
    series: JSON.stringify(series),
    baselineSeries: JSON.stringify(baselines),
  };
}

/**
 * Everything anomalous about one subject in the window, one finding per
 * kind (and currency) and UTC day, carrying its worst hour.
 */
export function findAnomalies(
  subject: AnomalySubject | KeySubject,
  data: Pick<AnomalyData, 'windowIndex' | 'windowStart'>,
  params: AnomalyRuleParams,
): AnomalyFinding[] {
  const sensitivity = sensitivityOf(params);
  const findings = new Map<string, AnomalyFinding & { rank: number }>();
  const keep = (finding: AnomalyFinding, rank: number) => {
    const existing = findings.get(finding.dedupe);
    if (!existing || rank > existing.rank) {
      findings.set(finding.dedupe, {
        ...finding,
        rank,
        params: {
          ...finding.params,
          hours: (existing ? Number(existing.params.hours) : 0) + 1,
        },
      });
    } else {
      existing.params.hours = Number(existing.params.hours) + 1;
    }
  };
  const { hours } = subject;

  if (params.spikes) {
    for (const spike of subjectSpikes(hours, data.windowIndex, sensitivity)) {
      const kind = SPIKE_KIND[spike.metric];
      const values =
        spike.metric === 'spend'
          ? hours.spend.get(spike.currency!)!
          : hours[spike.metric];
      keep(
        {
          kind,
          dedupe: `${kind}:${
            spike.currency ? `${spike.currency}:` : ''
          }${utcDay(spike.hourStart)}`,
          params: {
            kind,
            at: new Date(spike.hourStart).toISOString(),
            value: round(spike.value),
            baseline: round(spike.baseline),
            score: spike.score,
            currency: spike.currency,
            ...evidence(values, spike.index, sensitivity.weeks),
          },
        },
        spike.score,
      );
    }
  }
  if (params.offHours) {
    for (const hour of subjectOffHours(hours, data.windowIndex, sensitivity)) {
      keep(
        {
          kind: 'off_hours',
          dedupe: `off_hours:${utcDay(hour.hourStart)}`,
          params: {
            kind: 'off_hours',
            at: new Date(hour.hourStart).toISOString(),
            value: hour.value,
            baseline: 0,
            score: null,
            currency: null,
            ...evidence(hours.requests, hour.index, sensitivity.weeks),
          },
        },
        hour.value,
      );
    }
  }
  if (params.newModels) {
    for (const found of newModels(subject.models, data.windowStart)) {
      keep(
        {
          kind: 'new_model',
          dedupe: `new_model:${found.model}`,
          params: {
            kind: 'new_model',
            at: new Date(found.firstSeenAt).toISOString(),
            value: found.calls,
            baseline: 0,
            score: null,
            currency: null,
            model: found.model,
            knownModels: found.knownModels.join(', '),
          },
        },
        found.calls,
      );
    }
  }
  if (params.leakedKeys && 'days' in subject) {
    for (const day of leakedDays(subject.days, subject.instrumented, 1)) {
      keep(
        {
          kind: 'leaked_key',
          dedupe: `leaked_key:${utcDay(day.day)}`,
          params: {
            kind: 'leaked_key',
            at: new Date(day.day).toISOString(),
            value: day.providerTokens,
            baseline: 0,
            score: null,
            currency: null,
            providerRequests: day.providerRequests,
          },
        },
        day.providerRequests,
      );
    }
  }
  return [...findings.values()].map(({ rank, ...finding }) => finding);
}

/** The owner and name of a project's Component, for project findings. */
export type ProjectLookup = (
  projectId: string,
) => Promise<{ title?: string; ownerRefs: string[] } | undefined>;

/**
 * Alert conditions for every anomaly of every key and project, each with
 * the rule that applies to it. The condition key names the subject, the
 * kind and its window, so re-evaluations refresh one alert instead of
 * opening another, and it resolves once its hours leave the window.
 */
export async function anomalyConditions(
  data: AnomalyData,
  context: ConditionContext,
  projectOf: ProjectLookup,
): Promise<AlertCondition[]> {
  const conditions: AlertCondition[] = [];
  for (const key of data.keys) {
    const rule = context.rules.ruleFor('anomaly', {
      keyId: key.id,
      accountId: key.accountId,
    });
    if (!rule.enabled) continue;
    for (const finding of findAnomalies(key, data, rule.params)) {
      conditions.push({
        type: 'anomaly',
        severity:
          finding.kind === 'leaked_key'
            ? escalate(rule.severity, 1)
            : rule.severity,
        conditionKey: `anomaly:key:${key.id}:${finding.dedupe}`,
        target: { type: 'key', id: key.id, name: key.name },
        accountId: key.accountId,
        ownerRef: ownerOf(
          key.ownerRef,
          context.accounts.get(key.accountId)?.ownerRef,
        ),
        params: finding.params,
      });
    }
  }
  for (const project of data.projects) {
    const rule = context.rules.ruleFor('anomaly', { projectId: project.id });
    if (!rule.enabled) continue;
    const findings = findAnomalies(project, data, rule.params);
    if (findings.length === 0) continue;
    const entity = await projectOf(project.id);
    for (const finding of findings) {
      conditions.push({
        type: 'anomaly',
        severity: rule.severity,
        conditionKey: `anomaly:project:${project.id}:${finding.dedupe}`,
        target: {
          type: 'project',
          id: project.id,
          name: entity?.title ?? project.id,
        },
        accountId: null,
        ownerRef: ownerOf(entity?.ownerRefs[0]),
        params: finding.params,
      });
    }
  }
  return conditions;
}

/** Reads the rollups and provider usage and finds the anomalies, for the evaluator. */
export class AnomalyDetector {
  constructor(
    private readonly options: {
      reader: Pick<AnomalyReader, 'read'>;
      projectOf: ProjectLookup;
      /** Hours looked at each run (default 24): an anomaly stays open that long. */
      windowHours?: number;
      /** Days of provider usage compared with recorded calls (default 3). */
      leakedKeyDays?: number;
    },
  ) {}

  async conditions(context: ConditionContext): Promise<AlertCondition[]> {
    if (!context.rules.anyEnabled('anomaly')) return [];
    const global = context.rules.ruleFor('anomaly');
    const data = await this.options.reader.read({
      now: context.now,
      weeks: global.params.baselineWeeks,
      windowHours: this.options.windowHours ?? 24,
      leakedDays: this.options.leakedKeyDays ?? 3,
    });
    return anomalyConditions(data, context, this.options.projectOf);
  }
}
