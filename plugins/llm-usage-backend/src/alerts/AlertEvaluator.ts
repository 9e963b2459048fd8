import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AlertType } from '@llm-usage/backstage-plugin-llm-usage-common';
import { normalizeRef } from '../budgets/Caller';
import type { AlertRuleStore } from './AlertRuleStore';
import type { AlertStore } from './AlertStore';
import { budgetRunwayConditions } from './conditions/budgetRunway';
import { type ConditionContext, ownerOf } from './conditions/context';
import { monthStartOf } from '../time/months';
import {
  type UsageSubject,
  budgetPercentConditions,
  providerUsageSubjects,
  usageConditions,
} from './conditions/highUsage';
import { keyErrorConditions } from './conditions/keyError';
import { keyExpiringConditions } from './conditions/keyExpiring';
import { lowBalanceConditions } from './conditions/lowBalance';
import {
  type FailedHoursReader,
  rollupFailedConditions,
} from './conditions/rollupFailed';
import {
  type ReconciliationReader,
  reconciliationGapConditions,
  reconciliationWindow,
} from './conditions/reconciliationGap';
import type {
  AccountFact,
  AccountReader,
  BudgetStandingFact,
  BudgetStandingReader,
  KeyFacts,
  MonthUsage,
} from './facts';
import type { AlertChanges, AlertCondition } from './types';

/** Month usage per project id from the usage rollups. */
export interface ProjectUsageReader {
  monthUsage(from: number, to: number): Promise<Map<string, MonthUsage>>;
}

/** The owners of the Component a project id belongs to. */
export interface ProjectOwners {
  entityOf(
    projectId: string,
  ): Promise<{ title?: string; ownerRefs: string[] } | undefined>;
}

/** Tells people about opened and resolved alerts. */
export interface AlertDeliverer {
  deliver(changes: AlertChanges): Promise<void>;
}

export interface AlertEvaluatorOptions {
  alerts: AlertStore;
  rules: AlertRuleStore;
  keys: KeyFacts;
  accounts: AccountReader;
  /** Budget standings; without it budget alerts are not evaluated. */
  budgets?: BudgetStandingReader;
  projectUsage: ProjectUsageReader;
  projects: ProjectOwners;
  /** Hours the rollup could not roll; without it rollup alerts are not evaluated. */
  rollups?: FailedHoursReader;
  /** Provider against recorded cost; without it reconciliation gaps are not evaluated. */
  reconciliation?: ReconciliationReader;
  /** Anomalies of keys and projects; without it they are not evaluated. */
  anomalies?: ConditionFinder;
  /** Keys due for rotation; without it rotation reminders are not evaluated. */
  rotations?: ConditionFinder;
  /** Projects' SLO burn rates; without it SLO alerts are not evaluated. */
  sloBurnRates?: ConditionFinder;
  delivery: AlertDeliverer;
  logger: LoggerService;
  clock?: () => number;
}

/** Finds the conditions of one alert type from its own reads. */
export interface ConditionFinder {
  conditions(context: ConditionContext): Promise<AlertCondition[]>;
}

/** A group of alert types that stand or fall with the same reads. */
interface ConditionBatch {
  types: AlertType[];
  find: () => Promise<AlertCondition[]>;
}

/**
 * Evaluates every alert rule against the current data and makes the open
 * alerts match: new crossings open (and are delivered), cleared ones resolve.
 * Runs after each provider sync and hourly. Overlapping requests coalesce:
 * one run at a time, and at most one more queued behind it, so a burst of
 * syncs costs two evaluations, not one each.
 */
export class AlertEvaluator {
  private current?: Promise<AlertChanges>;
  private queued?: Promise<AlertChanges>;
  private readonly clock: () => number;

  constructor(private readonly options: AlertEvaluatorOptions) {
    this.clock = options.clock ?? Date.now;
  }

  evaluate(): Promise<AlertChanges> {
    if (!this.current) {
      this.current = this.run().finally(() => {
        this.current = undefined;
      });
      return this.current;
    }
    if (!this.queued) {
      this.queued = this.current
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.evaluate();
        });
    }
    return this.queued;
  }

  /** Evaluates in the background, e.g. after a sync; failures are logged. */
  evaluateSoon(): void {
    this.evaluate().catch(error =>
      this.options.logger.warn(`Alert evaluation failed: ${error}`),
    );
  }

  /** Resolves once no evaluation runs or waits; for orderly shutdown. */
  async idle(): Promise<void> {
    while (this.current || this.queued) {
      await (this.queued ?? this.current)?.catch(() => undefined);
    }
  }

  private async run(): Promise<AlertChanges> {
    const { alerts, rules, logger } = this.options;
    const now = this.clock();
    const [ruleSet, accountList] = await Promise.all([
      rules.ruleSet(),
      this.options.accounts.accounts(),
    ]);
    const accounts = new Map<string, AccountFact>(
      accountList.map(account => [account.id, account]),
    );
    const context: ConditionContext = { now, rules: ruleSet, accounts };
    const keys = this.once(() => this.options.keys.keys());
    const standings = this.once(() => this.standings(now));

    const batches: ConditionBatch[] = [
      {
        types: ['key_expiring', 'key_error'],
        find: async () => [
          ...keyExpiringConditions(await keys(), context),
          ...keyErrorConditions(await keys(), accountList, context),
        ],
      },
      {
        types: ['low_balance'],
        find: async () =>
          lowBalanceConditions(
            await this.options.accounts.latestBalances([...accounts.keys()]),
            context,
          ),
      },
      {
        types: ['high_usage'],
        find: async () => {
          const subjects = [
            ...providerUsageSubjects(
              await keys(),
              await this.options.keys.monthUsage(monthStartOf(now)),
              context,
            ),
            ...(await this.projectSubjects(context)),
          ];
          const budgetFacts = await standings();
          return [
            ...usageConditions(subjects, now),
            ...budgetPercentConditions(
              budgetFacts,
              await this.budgetOwners(budgetFacts, accounts),
              context,
            ),
          ];
        },
      },
      {
        types: ['budget_runway'],
        find: async () => {
          const budgetFacts = await standings();
          return budgetRunwayConditions(
            budgetFacts,
            await this.budgetOwners(budgetFacts, accounts),
            context,
          );
        },
      },
      {
        types: ['rollup_failed'],
        find: async () =>
          rollupFailedConditions(
            this.options.rollups
              ? await this.options.rollups.failedHours()
              : [],
            context,
          ),
      },
    ];

    const reconciliation = this.options.reconciliation;
    if (reconciliation) {
      batches.push({
        types: ['reconciliation_gap'],
        find: async () => {
          const window = reconciliationWindow(context);
          return reconciliationGapConditions(
            window.accountIds.length > 0
              ? await reconciliation.dayAmounts(window)
              : [],
            reconciliation.tolerancePercent,
            context,
          );
        },
      });
    }

    const { anomalies, rotations } = this.options;
    if (anomalies) {
      batches.push({
        types: ['anomaly'],
        find: () => anomalies.conditions(context),
      });
    }
    if (rotations) {
      batches.push({
        types: ['key_rotation_due'],
        find: () => rotations.conditions(context),
      });
    }

    const { sloBurnRates } = this.options;
    if (sloBurnRates) {
      batches.push({
        types: ['slo_burn_rate'],
        find: () => sloBurnRates.conditions(context),
      });
    }

    const changes: AlertChanges = { opened: [], resolved: [] };
    for (const batch of batches) {
      try {
        const conditions = await batch.find();
        const result = await alerts.reconcile(batch.types, conditions, now);
        changes.opened.push(...result.opened);
        changes.resolved.push(...result.resolved);
      } catch (error) {
        // Without fresh facts, keep these alerts as they are rather than
        // resolving them all; the other types still evaluate.
        logger.warn(
          `Alert evaluation of ${batch.types.join(', ')} failed: ${error}`,
        );
      }
    }
    if (changes.opened.length > 0 || changes.resolved.length > 0) {
      logger.info(
        `Alerts evaluated: ${changes.opened.length} opened, ${changes.resolved.length} resolved`,
      );
    }
    try {
      await this.options.delivery.deliver(changes);
    } catch (error) {
      logger.warn(`Alert delivery failed: ${error}`);
    }
    return changes;
  }

  private async projectSubjects(
    context: ConditionContext,
  ): Promise<UsageSubject[]> {
    const usage = await this.options.projectUsage.monthUsage(
      monthStartOf(context.now),
      context.now,
    );
    const subjects: UsageSubject[] = [];
    for (const [projectId, projectUsage] of usage) {
      const rule = context.rules.ruleFor('high_usage', { projectId });
      const { projectSpend, projectTokens } = rule.params;
      if (!rule.enabled || (projectSpend.length === 0 && !projectTokens)) {
        continue;
      }
      const entity = await this.options.projects.entityOf(projectId);
      subjects.push({
        type: 'project',
        id: projectId,
        name: entity?.title ?? projectId,
        accountId: null,
        ownerRef: ownerOf(entity?.ownerRefs[0]),
        usage: projectUsage,
        spend: projectSpend,
        tokens: projectTokens,
        severity: rule.severity,
      });
    }
    return subjects;
  }

  private async standings(now: number): Promise<BudgetStandingFact[]> {
    return this.options.budgets ? this.options.budgets.standings(now) : [];
  }

  /** A user or group budget tells its target; a project's its owners; an account's its owner. */
  private async budgetOwners(
    standings: BudgetStandingFact[],
    accounts: Map<string, AccountFact>,
  ): Promise<Map<string, string | null>> {
    const owners = new Map<string, string | null>();
    for (const { budget } of standings) {
      let owner: string | null | undefined;
      if (budget.targetType === 'user' || budget.targetType === 'group') {
        owner = budget.targetRef;
      } else if (budget.targetType === 'project') {
        owner = (await this.options.projects.entityOf(budget.targetRef))
          ?.ownerRefs[0];
      } else if (budget.targetType === 'account') {
        owner = accounts.get(budget.targetRef)?.ownerRef;
      }
      owners.set(budget.id, owner ? normalizeRef(owner) : null);
    }
    return owners;
  }

  /** Reads shared by several batches happen once per run. */
  private once<T>(read: () => Promise<T>): () => Promise<T> {
    let promise: Promise<T> | undefined;
    return () => {
      promise ??= read();
      return promise;
    };
  }
}
