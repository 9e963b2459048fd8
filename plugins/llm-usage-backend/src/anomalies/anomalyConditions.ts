import type {
  AnomalyKind,
  AnomalyRuleParams,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  aboutKey,
  conditionsUnderRules,
  keyRuleTarget,
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

/**
 * A finding of `kind` at `at`, one per `window` (a UTC day, a model). Its
 * params lead with what every kind has; a kind without a baseline, score
 * or currency gives none in `details`.
 */
function anomalyFinding(
  kind: AnomalyKind,
  window: string,
  at: number,
  value: number,
  details: AlertParams = {},
): AnomalyFinding {
  return {
    kind,
    dedupe: `${kind}:${window}`,
    params: {
      kind,
      at: new Date(at).toISOString(),
      value,
      baseline: 0,
      score: null,
      currency: null,
      ...details,
    },
  };
}

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
      const values =
        spike.metric === 'spend'
          ? hours.spend.get(spike.currency!)!
          : hours[spike.metric];
      keep(
        anomalyFinding(
          SPIKE_KIND[spike.metric],
          `${spike.currency ? `${spike.currency}:` : ''}${utcDay(
            spike.hourStart,
          )}`,
          spike.hourStart,
          round(spike.value),
          {
            baseline: round(spike.baseline),
            score: spike.score,
            currency: spike.currency,
            ...evidence(values, spike.index, sensitivity.weeks),
          },
        ),
        spike.score,
      );
    }
  }
  if (params.offHours) {
    for (const hour of subjectOffHours(hours, data.windowIndex, sensitivity)) {
      keep(
        anomalyFinding(
          'off_hours',
          utcDay(hour.hourStart),
          hour.hourStart,
          hour.value,
          evidence(hours.requests, hour.index, sensitivity.weeks),
        ),
        hour.value,
      );
    }
  }
  if (params.newModels) {
    for (const found of newModels(subject.models, data.windowStart)) {
      keep(
        anomalyFinding(
          'new_model',
          found.model,
          found.firstSeenAt,
          found.calls,
          {
            model: found.model,
            knownModels: found.knownModels.join(', '),
          },
        ),
        found.calls,
      );
    }
  }
  if (params.leakedKeys && 'days' in subject) {
    for (const day of leakedDays(subject.days, subject.instrumented, 1)) {
      keep(
        anomalyFinding(
          'leaked_key',
          utcDay(day.day),
          day.day,
          day.providerTokens,
          {
            providerRequests: day.providerRequests,
          },
        ),
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
  const conditions = conditionsUnderRules(
    'anomaly',
    data.keys,
    context,
    keyRuleTarget,
    (key, rule) =>
      findAnomalies(key, data, rule.params).map(found => ({
        severity:
          found.kind === 'leaked_key'
            ? escalate(rule.severity, 1)
            : rule.severity,
        conditionKey: `anomaly:key:${key.id}:${found.dedupe}`,
        ...aboutKey(key, context),
        params: found.params,
      })),
  );
  for (const project of data.projects) {
    const rule = context.rules.ruleFor('anomaly', { projectId: project.id });
    if (!rule.enabled) continue;
    const findings = findAnomalies(project, data, rule.params);
    if (findings.length === 0) continue;
    const entity = await projectOf(project.id);
    for (const found of findings) {
      conditions.push({
        type: 'anomaly',
        severity: rule.severity,
        conditionKey: `anomaly:project:${project.id}:${found.dedupe}`,
        target: {
          type: 'project',
          id: project.id,
          name: entity?.title ?? project.id,
        },
        accountId: null,
        ownerRef: ownerOf(entity?.ownerRefs[0]),
        params: found.params,
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
