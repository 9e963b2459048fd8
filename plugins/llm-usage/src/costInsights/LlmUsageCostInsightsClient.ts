import { parseEntityRef } from '@backstage/catalog-model';
import type { IdentityApi } from '@backstage/core-plugin-api';
import type {
  ChangeStatistic,
  Cost,
  DateAggregation,
  Entity,
  Group,
  Maybe,
  MetricData,
  Project,
  Trendline,
} from '@backstage/plugin-cost-insights-common';
import type {
  DailyCostPoint,
  DailyCostsQuery,
  UsageSourceParam,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { sumCostsByCurrency } from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import type { LlmUsageApi } from '../api/LlmUsageApi';
import { daysBetween, parseIntervals, ResolvedIntervals } from './intervals';

/**
 * What Cost Insights passes to `getProductInsights`.
 *
 * @public
 */
export type LlmCostInsightsProductOptions = {
  product: string;
  group: string;
  intervals: string;
  project: Maybe<string>;
};

/**
 * Metrics this client serves to Cost Insights (configure them under
 * `costInsights.metrics` in app-config).
 *
 * @public
 */
export const LLM_COST_INSIGHTS_METRICS = {
  calls: 'llm-calls',
  tokens: 'llm-tokens',
} as const;

/** @public */
export interface LlmUsageCostInsightsClientOptions {
  llmUsageApi: LlmUsageApi;
  identityApi: Pick<IdentityApi, 'getBackstageIdentity'>;
  /**
   * Cost Insights shows one currency; costs in others are left out, never
   * converted. Default USD.
   */
  currency?: string;
  /**
   * Where a group's or component's figures come from: its recorded calls,
   * the cost providers report for its keys, or `auto` (the default): calls
   * where it has any in the range, else provider reports. Estimated costs
   * are never shown as cost.
   */
  source?: UsageSourceParam;
}

/** The one series of provider-reported days: providers' days are not split by model here. */
const PROVIDER_SERIES = '\u0000provider';

/** One day's figures of one series, exact until shown. */
interface DayTotals {
  costs: Array<{ currency: string; amount: string }>;
  calls: number;
  tokens: number;
}

/**
 * A `CostInsightsApi` (Cost Insights, `@backstage-community/plugin-cost-insights`)
 * backed by LLM Usage: a team sees the LLM spend of the projects it owns per
 * day, its trend and its split by model, within what the user may see.
 *
 * @public
 */
export class LlmUsageCostInsightsClient {
  private readonly api: LlmUsageApi;
  private readonly identityApi: Pick<IdentityApi, 'getBackstageIdentity'>;
  private readonly currency: string;
  private readonly source: UsageSourceParam;

  constructor(options: LlmUsageCostInsightsClientOptions) {
    this.api = options.llmUsageApi;
    this.identityApi = options.identityApi;
    this.currency = (options.currency ?? 'USD').toUpperCase();
    this.source = options.source ?? 'auto';
  }

  /** Today is still running: yesterday (UTC) is the last complete day. */
  async getLastCompleteBillingDate(): Promise<string> {
    return DateTime.utc().minus({ days: 1 }).toISODate()!;
  }

  /** The signed-in user's groups, from their ownership refs. */
  async getUserGroups(_userId: string): Promise<Group[]> {
    const identity = await this.identityApi.getBackstageIdentity();
    return identity.ownershipEntityRefs
      .filter(ref => ref.toLocaleLowerCase('en-US').startsWith('group:'))
      .map(ref => ({ id: ref, name: parseEntityRef(ref).name }));
  }

  /** The projects (with calls in the last 30 days) whose Component the group owns. */
  async getGroupProjects(group: string): Promise<Project[]> {
    const owner = group.toLocaleLowerCase('en-US');
    const { items } = await this.api.getProjects({
      sort: 'projectId',
      order: 'asc',
      limit: 200,
    });
    return items
      .filter(item =>
        item.entity?.ownerRefs.some(
          ref => ref.toLocaleLowerCase('en-US') === owner,
        ),
      )
      .map(item => ({
        id: item.projectId,
        name: item.entity?.title ?? item.projectId,
      }));
  }

  async getGroupDailyCost(group: string, intervals: string): Promise<Cost> {
    return this.dailyCost(group, { entityRef: group }, intervals);
  }

  async getProjectDailyCost(project: string, intervals: string): Promise<Cost> {
    return this.dailyCost(project, { projectId: project }, intervals);
  }

  async getCatalogEntityDailyCost(
    catalogEntityRef: string,
    intervals: string,
  ): Promise<Cost> {
    return this.dailyCost(
      catalogEntityRef,
      { entityRef: catalogEntityRef },
      intervals,
    );
  }

  /** Calls or tokens per day over everything the user sees, to set cost against. */
  async getDailyMetricData(
    metric: string,
    intervals: string,
  ): Promise<MetricData> {
    const picks: Record<string, (day: DayTotals) => number> = {
      [LLM_COST_INSIGHTS_METRICS.calls]: day => day.calls,
      [LLM_COST_INSIGHTS_METRICS.tokens]: day => day.tokens,
    };
    const pick = picks[metric];
    if (!pick) {
      throw new Error(
        `Unknown metric '${metric}'; LLM Usage serves ${Object.keys(picks).join(
          ', ',
        )}`,
      );
    }
    const range = parseIntervals(intervals);
    const byDay = await this.totalsByDay({}, range, 'none');
    const aggregation = this.aggregation(range, byDay.get('total'), pick);
    // Counts are whole numbers: their sums are exact.
    const sum = (from: DateTime, to: DateTime) =>
      inPeriod(aggregation, from, to).reduce((t, a) => t + a.amount, 0);
    return {
      id: metric,
      format: 'number',
      aggregation,
      change: periodChange([
        sum(range.previousPeriodFrom, range.lastPeriodFrom),
        sum(range.lastPeriodFrom, range.to),
      ]),
    };
  }

  /**
   * One "product" (whatever it is called in `costInsights.products`): the
   * group's or project's LLM spend, split by model, last period against the
   * one before.
   */
  async getProductInsights(
    options: LlmCostInsightsProductOptions,
  ): Promise<Entity> {
    const range = parseIntervals(options.intervals);
    const target: DailyCostsQuery = options.project
      ? { projectId: options.project }
      : { entityRef: options.group };
    const bySeries = await this.totalsByDay(target, range, 'model');
    const models: Entity[] = [...bySeries.entries()]
      .filter(([model]) => model !== PROVIDER_SERIES)
      .map(([model, days]) => {
        const aggregation = this.periodSums(range, days);
        return {
          id: model,
          aggregation,
          entities: {},
          change: periodChange(aggregation),
        };
      })
      .filter(entity => entity.aggregation.some(amount => amount > 0))
      .sort((a, b) => b.aggregation[1] - a.aggregation[1]);
    const total = this.periodSums(range, mergeSeries(bySeries));
    return {
      id: options.product,
      aggregation: total,
      entities: { model: models },
      change: periodChange(total),
    };
  }

  /** LLM Usage raises its own alerts (keys, budgets); none are Cost Insights action items. */
  async getAlerts(_group: string): Promise<never[]> {
    return [];
  }

  private async dailyCost(
    id: string,
    target: DailyCostsQuery,
    intervals: string,
  ): Promise<Cost> {
    const range = parseIntervals(intervals);
    const bySeries = await this.totalsByDay(target, range, 'model');
    const toCost = (costId: string, days?: Map<string, DayTotals>): Cost => {
      const aggregation = this.aggregation(range, days, day =>
        this.amountOf(day),
      );
      return {
        id: costId,
        aggregation,
        change: periodChange(this.periodSums(range, days)),
        trendline: trendline(aggregation),
      };
    };
    return {
      ...toCost(id, mergeSeries(bySeries)),
      groupedCosts: {
        model: [...bySeries.entries()]
          .filter(([model]) => model !== PROVIDER_SERIES)
          .map(([model, days]) => toCost(model, days))
          .filter(cost => cost.aggregation.some(a => a.amount > 0)),
      },
    };
  }

  /**
   * Figures per series and day, with the range cut in UTC days: from the
   * recorded calls, or for a Group or Component from the providers' reports
   * of its keys (one series) as `source` says.
   */
  private async totalsByDay(
    target: DailyCostsQuery,
    range: ResolvedIntervals,
    split: 'none' | 'model',
  ): Promise<Map<string, Map<string, DayTotals>>> {
    const entityRef = providerCapable(target.entityRef);
    if (this.source === 'provider' && entityRef) {
      return this.providerDays(entityRef, range);
    }
    const calls = await this.callsByDay(target, range, split);
    if (this.source === 'auto' && entityRef && calls.size === 0) {
      return this.providerDays(entityRef, range);
    }
    return calls;
  }

  /** A Group's or Component's reported cost per UTC day, as one series. */
  private async providerDays(
    entityRef: string,
    range: ResolvedIntervals,
  ): Promise<Map<string, Map<string, DayTotals>>> {
    const usage = await this.api.getEntityUsage(entityRef, {
      from: range.from.toISO()!,
      to: range.to.toISO()!,
      interval: 'day',
      tz: 'UTC',
      source: 'provider',
    });
    const days = new Map<string, DayTotals>();
    for (const point of usage.points) {
      days.set(point.bucketStart.slice(0, 10), {
        costs: point.costs,
        calls: point.calls,
        tokens: point.totalTokens,
      });
    }
    return days.size > 0 ? new Map([[PROVIDER_SERIES, days]]) : new Map();
  }

  private async callsByDay(
    target: DailyCostsQuery,
    range: ResolvedIntervals,
    split: 'none' | 'model',
  ): Promise<Map<string, Map<string, DayTotals>>> {
    const response = await this.api.getDailyCosts({
      ...target,
      from: range.from.toISO()!,
      to: range.to.toISO()!,
      split,
      tz: 'UTC',
    });
    const bySeries = new Map<string, Map<string, DayTotals>>();
    for (const point of response.points as DailyCostPoint[]) {
      const days = bySeries.get(point.series) ?? new Map();
      days.set(point.date, {
        costs: point.costs,
        calls: point.calls,
        tokens: point.totalTokens,
      });
      bySeries.set(point.series, days);
    }
    return bySeries;
  }

  private amountOf(day: DayTotals): number {
    const cost = day.costs.find(c => c.currency === this.currency);
    return cost ? Number(cost.amount) : 0;
  }

  /**
   * The cost of the period before the last and of the last, summed exactly
   * and only then turned into numbers for display.
   */
  private periodSums(
    range: ResolvedIntervals,
    days: Map<string, DayTotals> | undefined,
  ): [number, number] {
    const sum = (from: DateTime, to: DateTime) => {
      const costs = daysBetween(from, to).flatMap(
        date => days?.get(date)?.costs ?? [],
      );
      return this.amountOf({
        costs: sumCostsByCurrency(costs),
        calls: 0,
        tokens: 0,
      });
    };
    return [
      sum(range.previousPeriodFrom, range.lastPeriodFrom),
      sum(range.lastPeriodFrom, range.to),
    ];
  }

  private aggregation(
    range: ResolvedIntervals,
    days: Map<string, DayTotals> | undefined,
    pick: (day: DayTotals) => number,
  ): DateAggregation[] {
    return daysBetween(range.from, range.to).map(date => {
      const day = days?.get(date);
      return { date, amount: day ? pick(day) : 0 };
    });
  }
}

/** The entity ref when provider reports can answer for it (a Group or Component). */
function providerCapable(entityRef: string | undefined): string | undefined {
  if (!entityRef) return undefined;
  const { kind } = parseEntityRef(entityRef, { defaultKind: 'group' });
  return ['group', 'component'].includes(kind.toLocaleLowerCase('en-US'))
    ? entityRef
    : undefined;
}

/** All series of a day added up, costs exactly. */
function mergeSeries(
  bySeries: Map<string, Map<string, DayTotals>>,
): Map<string, DayTotals> {
  const total = new Map<string, DayTotals>();
  for (const days of bySeries.values()) {
    for (const [date, day] of days) {
      const sum = total.get(date) ?? { costs: [], calls: 0, tokens: 0 };
      sum.costs = sumCostsByCurrency([...sum.costs, ...day.costs]);
      sum.calls += day.calls;
      sum.tokens += day.tokens;
      total.set(date, sum);
    }
  }
  return total;
}

function inPeriod(
  aggregation: DateAggregation[],
  from: DateTime,
  to: DateTime,
): DateAggregation[] {
  const first = from.toISODate()!;
  const end = to.toISODate()!;
  return aggregation.filter(a => a.date >= first && a.date < end);
}

/** The last period against the one before it; no ratio from nothing. */
function periodChange([previous, current]: [number, number]): ChangeStatistic {
  // Rounded to the nano-unit, so 0.3 - 0.1 reads 0.2.
  const amount = Math.round((current - previous) * 1e9) / 1e9;
  return previous > 0
    ? { ratio: (current - previous) / previous, amount }
    : { amount };
}

/** Least-squares line over (epoch ms of the day, amount), as Cost Insights draws it. */
function trendline(aggregation: DateAggregation[]): Trendline {
  const points = aggregation.map(a => [
    DateTime.fromISO(a.date, { zone: 'utc' }).toMillis(),
    a.amount,
  ]);
  const n = points.length;
  if (n < 2) {
    return { slope: 0, intercept: points[0]?.[1] ?? 0 };
  }
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  const slope = denominator === 0 ? 0 : numerator / denominator;
  return { slope, intercept: meanY - slope * meanX };
}
