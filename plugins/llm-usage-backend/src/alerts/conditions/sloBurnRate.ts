import type {
  LinkedEntity,
  SloReportResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { AlertCondition } from '../types';
import {
  type ConditionContext,
  conditionsUnderRules,
  escalate,
  ownerOf,
} from './context';

/** The SLO reports of the projects that declare SLOs. */
export interface SloReader {
  declaredProjects(): Promise<string[]>;
  report(projectId: string, now?: number): Promise<SloReportResponse>;
}

/** The Component of a project id, for the alert's name and owner. */
export interface SloProjectEntities {
  entityOf(projectId: string): Promise<LinkedEntity | undefined>;
}

const round2 = (value: number | null | undefined) =>
  value === null || value === undefined ? null : Math.round(value * 100) / 100;

/**
 * One alert per project, objective and the most urgent firing tier, open
 * while both windows of that tier burn the error budget at its rate or
 * faster (see `slo/sloMath`): it resolves once the short window cools down.
 * The fast tier is one step more severe than the rule.
 */
export function sloBurnRateConditions(
  reports: Array<{ report: SloReportResponse; entity?: LinkedEntity }>,
  context: ConditionContext,
): AlertCondition[] {
  return conditionsUnderRules(
    'slo_burn_rate',
    reports,
    context,
    ({ report }) => ({ projectId: report.projectId }),
    ({ report, entity }, rule) =>
      report.objectives.flatMap(objective => {
        const firing = objective.alerts.find(
          alert => alert.firing && rule.params[alert.tier],
        );
        if (!firing) return [];
        const rateOver = (hours: number) =>
          round2(objective.burnRates.find(r => r.hours === hours)?.burnRate);
        return {
          severity:
            firing.tier === 'fast' ? escalate(rule.severity, 1) : rule.severity,
          conditionKey: `slo_burn_rate:project:${report.projectId}:${objective.metric}:${firing.tier}`,
          target: {
            type: 'project' as const,
            id: report.projectId,
            name: entity?.title ?? null,
          },
          accountId: null,
          ownerRef: ownerOf(entity?.ownerRefs[0]),
          params: {
            metric: objective.metric,
            tier: firing.tier,
            threshold: objective.threshold,
            target: objective.target,
            windowDays: objective.windowDays,
            longHours: firing.longHours,
            shortHours: firing.shortHours,
            longBurnRate: rateOver(firing.longHours),
            shortBurnRate: rateOver(firing.shortHours),
            burnRateThreshold: firing.threshold,
            budgetRemaining: round2(objective.errorBudgetRemaining),
          },
        };
      }),
  );
}

/** Finds the burning SLOs of every project that declares one. */
export class SloBurnRateFinder {
  constructor(
    private readonly slo: SloReader,
    private readonly projects: SloProjectEntities,
  ) {}

  async conditions(context: ConditionContext): Promise<AlertCondition[]> {
    if (!context.rules.anyEnabled('slo_burn_rate')) return [];
    const reports = [];
    for (const projectId of await this.slo.declaredProjects()) {
      reports.push({
        report: await this.slo.report(projectId, context.now),
        entity: await this.projects.entityOf(projectId),
      });
    }
    return sloBurnRateConditions(reports, context);
  }
}
