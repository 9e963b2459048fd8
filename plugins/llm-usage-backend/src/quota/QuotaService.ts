import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  BalanceHistoryResponse,
  BalanceQuota,
  BalanceReading,
  BudgetQuota,
  BurnSource,
  QuotaResponse,
  Runway,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type {
  AggregateRequest,
  UsageGroup,
  UsageQueries,
} from '../usage/UsageQueries';
import type { RollupState } from '../rollup/RollupStore';
import { DAY_MS, dayStartOf } from '../database/tables';
import { formatNanos } from '../lib/money';
import { readAhead } from '../lib/readAhead';
import { monthStartOf } from '../time/months';
import type { BudgetRecord } from '../budgets/BudgetStore';
import type { BudgetService } from '../budgets/BudgetService';
import { normalizeRef, type Caller } from '../budgets/Caller';
import { RUNWAY_WINDOW_DAYS, estimateRunway } from '../budgets/runway';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import type {
  AccountSummary,
  BalanceRecord,
  ProviderLedger,
} from './ProviderLedger';

/**
 * The top-up pages of the four providers this suite ships modules for, for
 * their accounts when neither the account, config nor an installed module
 * names one (demo data, a module not installed).
 */
export const DEFAULT_BILLING_URLS: Record<string, string> = {
  anthropic: 'https://console.anthropic.com/settings/billing',
  openai: 'https://platform.openai.com/settings/organization/billing/overview',
  openrouter: 'https://openrouter.ai/settings/credits',
  volcengine: 'https://console.volcengine.com/finance/fund/recharge',
};

export interface QuotaServiceOptions {
  /** Billing page per provider id, over every other source but the account's. */
  billingUrls?: Record<string, string>;
  /**
   * The billing page an installed provider module declares, over
   * {@link DEFAULT_BILLING_URLS}; read when asked, once modules registered.
   */
  providerBillingUrl?: (providerId: string) => string | undefined;
  /** Readings shown per currency in the balance history. */
  historyLimit?: number;
}

/** A budget's month so far, in nanos, before it is turned into JSON. */
export interface BudgetStanding {
  budget: BudgetRecord;
  periodStart: number;
  periodEnd: number;
  usedNanos: bigint;
  remainingNanos: bigint;
  runway: Runway;
}

/** The calendar month (UTC) that `now` falls in. */
export function monthOf(now: number): { start: number; end: number } {
  return { start: monthStartOf(now), end: monthStartOf(now, 1) };
}

/** The whole UTC days the burn rate is read from: the week before today. */
export function burnWindow(now: number): { from: number; to: number } {
  const to = dayStartOf(now);
  return { from: to - RUNWAY_WINDOW_DAYS * DAY_MS, to };
}

/**
 * Budgets and balances with what is used, what is left and how long it lasts
 * at the trailing burn rate. Spend comes from the usage rollups (through
 * {@link UsageQueries}) for user, group and project budgets, and from what
 * providers report for account budgets and balances. Currencies never mix:
 * a budget counts only spend in its own currency.
 */
export class QuotaService {
  private readonly billingUrls: Record<string, string>;
  private readonly providerBillingUrl: (id: string) => string | undefined;
  private readonly historyLimit: number;

  constructor(
    private readonly queries: UsageQueries,
    private readonly budgets: BudgetService,
    private readonly projects: ProjectDirectory,
    private readonly ledger: ProviderLedger,
    options: QuotaServiceOptions = {},
  ) {
    this.billingUrls = options.billingUrls ?? {};
    this.providerBillingUrl = options.providerBillingUrl ?? (() => undefined);
    this.historyLimit = options.historyLimit ?? 50;
  }

  /**
   * The caller may still be resolving (permissions, ownership): the rollup
   * state is read meanwhile. It is one small statement, so a caller then
   * refused costs little.
   */
  async quotaFor(
    callerOrResolving: Caller | Promise<Caller>,
    entityRef?: string,
    now = Date.now(),
  ): Promise<QuotaResponse> {
    // Read while the caller is resolved and the budgets are listed, not
    // after: round trips less in sequence.
    const rollupState = readAhead(this.queries.readRollupState());
    const caller = await callerOrResolving;
    const target = entityRef
      ? await this.entityTargets(caller, entityRef)
      : undefined;
    // Unless admin, the accounts the caller sees are the ones they own,
    // which their budgets' list needs too: read once for both.
    const visibleAccounts = target
      ? Promise.resolve(target.accounts)
      : readAhead(this.visibleAccounts(caller));
    const [records, accounts] = await Promise.all([
      this.budgets.list(
        caller,
        target?.budgets,
        target ? undefined : idsOf(visibleAccounts),
      ),
      visibleAccounts,
    ]);
    const [budgets, balances] = await Promise.all([
      this.budgetQuotas(caller, records, now, rollupState),
      this.balanceQuotas(accounts, now),
    ]);
    return {
      ...(target ? { entityRef: target.entityRef } : {}),
      generatedAt: new Date(now).toISOString(),
      budgets,
      balances,
    };
  }

  /**
   * Used, remaining and runway of each budget; for the quota view and alerts.
   * `rollupState`, from {@link UsageQueries.readRollupState}, when already
   * being read.
   */
  async standings(
    records: BudgetRecord[],
    now = Date.now(),
    rollupState?: Promise<RollupState>,
  ): Promise<BudgetStanding[]> {
    const month = monthOf(now);
    const window = burnWindow(now);
    const accountIds = records
      .filter(r => r.targetType === 'account')
      .map(r => r.targetRef);
    const [providerSpend, callSpend] = await Promise.all([
      this.ledger.dailySpend(
        accountIds,
        Math.min(month.start, window.from),
        now,
      ),
      this.callSpend(records, month.start, now, window, rollupState),
    ]);
    return records.map(budget => {
      const spend =
        budget.targetType === 'account'
          ? accountSpend(providerSpend, budget, month.start, window)
          : callSpend(budget);
      const remainingNanos = budget.amountNanos - spend.usedNanos;
      return {
        budget,
        periodStart: month.start,
        periodEnd: month.end,
        usedNanos: spend.usedNanos,
        remainingNanos,
        runway: toRunway(
          remainingNanos,
          spend.burn,
          budget.currency,
          budget.targetType === 'account' ? 'provider-usage' : 'calls',
          now,
        ),
      };
    });
  }

  async balanceHistory(
    caller: Caller,
    accountId: string,
  ): Promise<BalanceHistoryResponse> {
    const [account] = await this.ledger.accounts([accountId]);
    if (!account || !this.maySeeAccount(caller, account)) {
      throw new NotFoundError(`No account '${accountId}'`);
    }
    const latest = await this.ledger.latestBalances([accountId]);
    const currencies = await Promise.all(
      latest.map(async ({ currency }) => {
        // One reading more than shown, so the oldest shown has a change.
        const readings = await this.ledger.newestReadings(
          accountId,
          currency,
          this.historyLimit + 1,
        );
        return {
          currency,
          readings: describeReadings(readings)
            .slice(-this.historyLimit)
            .reverse(),
        };
      }),
    );
    return { accountId, currencies };
  }

  private async budgetQuotas(
    caller: Caller,
    records: BudgetRecord[],
    now: number,
    rollupState: Promise<RollupState>,
  ): Promise<BudgetQuota[]> {
    const [standings, budgets] = await Promise.all([
      this.standings(records, now, rollupState),
      this.budgets.withAccess(caller, records),
    ]);
    return standings.map((standing, index) => {
      const { currency, amountNanos } = standing.budget;
      return {
        budget: budgets[index],
        period: {
          from: new Date(standing.periodStart).toISOString(),
          to: new Date(standing.periodEnd).toISOString(),
        },
        total: money(currency, amountNanos),
        used: money(currency, standing.usedNanos),
        remaining: money(currency, standing.remainingNanos),
        progress: ratio(standing.usedNanos, amountNanos),
        runway: standing.runway,
      };
    });
  }

  /**
   * The latest balance of each account and currency with its runway, burning
   * at what the provider reports, or else at the falls between balance
   * readings: read for all such balances at once, not one query each.
   */
  private async balanceQuotas(
    accounts: readonly AccountSummary[],
    now: number,
  ): Promise<BalanceQuota[]> {
    if (accounts.length === 0) return [];
    const accountIds = accounts.map(a => a.id);
    const window = burnWindow(now);
    const [balances, spend] = await Promise.all([
      this.ledger.latestBalances(accountIds),
      this.ledger.dailySpend(accountIds, window.from, window.to),
    ]);
    const sameBalance =
      (balance: BalanceRecord) =>
      (row: { accountId: string; currency: string }) =>
        row.accountId === balance.accountId &&
        row.currency === balance.currency;
    const reported = balances.map(balance =>
      dailySeries(spend.filter(sameBalance(balance)), window),
    );
    const unreported = reported.map(burn => burn.every(day => day === 0n));
    const readings = await this.ledger.readingsSince(
      [
        ...new Set(
          balances.filter((_, i) => unreported[i]).map(b => b.accountId),
        ),
      ],
      // The reading before the window gives the first day's drop.
      window.from - 30 * DAY_MS,
    );
    const byId = new Map(accounts.map(a => [a.id, a]));
    return balances.flatMap((balance, i) => {
      const account = byId.get(balance.accountId);
      if (!account) return [];
      const quota = unreported[i]
        ? this.toBalanceQuota(
            account,
            balance,
            burnFromReadings(readings.filter(sameBalance(balance)), window),
            'balance-history',
            now,
          )
        : this.toBalanceQuota(
            account,
            balance,
            reported[i],
            'provider-usage',
            now,
          );
      return [quota];
    });
  }

  private toBalanceQuota(
    account: AccountSummary,
    balance: BalanceRecord,
    burn: bigint[],
    burnSource: BurnSource,
    now: number,
  ): BalanceQuota {
    const { currency } = balance;
    return {
      accountId: account.id,
      accountName: account.name,
      provider: account.provider,
      ownerRef: account.ownerRef,
      available: money(currency, balance.availableNanos),
      total:
        balance.totalNanos === null
          ? null
          : money(currency, balance.totalNanos),
      used:
        balance.usedNanos === null ? null : money(currency, balance.usedNanos),
      readAt: new Date(balance.readAt).toISOString(),
      stale: account.syncFailing,
      lastSyncAt:
        account.lastSyncAt === null
          ? null
          : new Date(account.lastSyncAt).toISOString(),
      billingUrl: this.billingUrlOf(account),
      runway: toRunway(balance.availableNanos, burn, currency, burnSource, now),
    };
  }

  /** The account's own page, else config's, the module's or the default. */
  private billingUrlOf(account: AccountSummary): string | null {
    const { provider } = account;
    return (
      account.billingUrl ??
      this.billingUrls[provider] ??
      this.providerBillingUrl(provider) ??
      DEFAULT_BILLING_URLS[provider] ??
      null
    );
  }

  /**
   * Month-to-date spend and daily burn of every user, group and project
   * budget, from at most three grouped reads over the usage rollups (cached
   * per rollup generation like every usage read) instead of two per budget:
   * the budgets' projects by project, users' calls by user, and calls made in
   * a group's own name by group and project. Each read spans the month and
   * the burn window at once, in UTC days. A user budget counts the user's own
   * calls, a project budget every call of the project, a group budget every
   * call of the projects it owns plus any made in its own name elsewhere.
   */
  private async callSpend(
    records: BudgetRecord[],
    monthStart: number,
    now: number,
    window: { from: number; to: number },
    rollupState?: Promise<RollupState>,
  ): Promise<(budget: BudgetRecord) => CallSpend> {
    const refsOf = (type: BudgetRecord['targetType']) =>
      [
        ...new Set(
          records.filter(r => r.targetType === type).map(r => r.targetRef),
        ),
      ].sort();
    const userRefs = refsOf('user');
    const groupRefs = refsOf('group');
    const budgetProjects = refsOf('project');
    // One state for every read below, read while groups' projects are found.
    const state =
      userRefs.length + groupRefs.length + budgetProjects.length > 0
        ? rollupState ?? readAhead(this.queries.readRollupState())
        : undefined;
    const owned = new Map(
      await Promise.all(
        groupRefs.map(
          async ref =>
            [
              ref,
              new Set(await this.projects.projectIdsOwnedBy([ref])),
            ] as const,
        ),
      ),
    );
    const projectIds = [
      ...new Set([
        ...budgetProjects,
        ...[...owned.values()].flatMap(ids => [...ids]),
      ]),
    ].sort();

    const days: number[] = [];
    for (
      let day = Math.min(monthStart, window.from);
      day < now;
      day += DAY_MS
    ) {
      days.push(day);
    }
    const read = async (
      wanted: readonly string[],
      request: Pick<AggregateRequest, 'projectIds' | 'userRefs' | 'groupBy'>,
    ) =>
      wanted.length === 0
        ? []
        : this.queries.aggregate(
            {
              scope: { kind: 'all' },
              from: days[0],
              to: now,
              buckets: days,
              ...request,
            },
            state,
          );
    const [byProject, byUser, inGroupsName] = await Promise.all([
      read(projectIds, { projectIds, groupBy: ['project'] }),
      read(userRefs, { userRefs, groupBy: ['user'] }),
      read(groupRefs, { userRefs: groupRefs, groupBy: ['user', 'project'] }),
    ]);

    const spendOf = (groups: UsageGroup[], currency: string): CallSpend => {
      let usedNanos = 0n;
      const burn = Array.from({ length: RUNWAY_WINDOW_DAYS }, () => 0n);
      for (const { bucket, usage } of groups) {
        const nanos = usage.costs.nanos(currency);
        const day = days[bucket];
        if (day >= monthStart) usedNanos += nanos;
        const index = (day - window.from) / DAY_MS;
        if (day < window.to && index >= 0) burn[index] += nanos;
      }
      return { usedNanos, burn };
    };
    const projectGroups = groupsBy(byProject, g => g.dimensions.project!);
    const userGroups = groupsBy(byUser, g => g.dimensions.user!);
    const groupGroups = groupsBy(inGroupsName, g => g.dimensions.user!);
    return budget => {
      const { targetRef, currency } = budget;
      switch (budget.targetType) {
        case 'project':
          return spendOf(projectGroups.get(targetRef) ?? [], currency);
        case 'group': {
          const projects = owned.get(targetRef)!;
          return spendOf(
            [
              ...[...projects].flatMap(id => projectGroups.get(id) ?? []),
              // A group never makes calls itself; any in its name elsewhere count.
              ...(groupGroups.get(targetRef) ?? []).filter(
                g => !projects.has(g.dimensions.project!),
              ),
            ],
            currency,
          );
        }
        default:
          return spendOf(userGroups.get(targetRef) ?? [], currency);
      }
    };
  }

  private visibleAccounts(caller: Caller): Promise<AccountSummary[]> {
    return caller.isAdmin
      ? this.ledger.accounts()
      : this.ledger.accountsOwnedBy(caller.ownershipRefs);
  }

  private maySeeAccount(caller: Caller, account: AccountSummary) {
    return (
      caller.isAdmin ||
      (account.ownerRef !== null &&
        caller.ownershipRefs.includes(normalizeRef(account.ownerRef)))
    );
  }

  /**
   * The budgets and accounts that belong to one catalog entity: a user's or
   * group's own, plus a group's projects; a component's projects.
   */
  private async entityTargets(caller: Caller, rawRef: string) {
    let entityRef: string;
    try {
      entityRef = normalizeRef(stringifyEntityRef(parseEntityRef(rawRef)));
    } catch {
      throw new InputError(
        `Invalid query parameter 'entityRef': must be an entity ref such as group:default/team-a`,
      );
    }
    const kind = entityRef.split(':')[0];
    const directory = await this.projects.projects();
    const componentProjects = [...directory]
      .filter(([, entity]) => normalizeRef(entity.entityRef) === entityRef)
      .map(([projectId]) => projectId);

    const owns = caller.ownershipRefs.includes(entityRef);
    const seesComponent =
      kind === 'component' &&
      componentProjects.length > 0 &&
      componentProjects.some(
        id =>
          caller.scope.kind === 'restricted' &&
          caller.scope.projectIds.includes(id),
      );
    if (!caller.isAdmin && !owns && !seesComponent) {
      throw new NotAllowedError(`Not allowed to see the quota of ${entityRef}`);
    }

    if (kind === 'component') {
      return {
        entityRef,
        budgets: { project: componentProjects },
        accounts: [] as AccountSummary[],
      };
    }
    const accounts = await this.ledger.accountsOwnedBy([entityRef]);
    const accountIds = accounts.map(a => a.id);
    return {
      entityRef,
      budgets: {
        user: kind === 'user' ? [entityRef] : [],
        group: kind === 'group' ? [entityRef] : [],
        project:
          kind === 'group'
            ? await this.projects.projectIdsOwnedBy([entityRef])
            : [],
        account: accountIds,
      },
      accounts,
    };
  }
}

async function idsOf(accounts: Promise<AccountSummary[]>): Promise<string[]> {
  return (await accounts).map(account => account.id);
}

interface CallSpend {
  usedNanos: bigint;
  /** Spend per day of the burn window, oldest first. */
  burn: bigint[];
}

function groupsBy(
  groups: UsageGroup[],
  keyOf: (group: UsageGroup) => string,
): Map<string, UsageGroup[]> {
  const byKey = new Map<string, UsageGroup[]>();
  for (const group of groups) {
    const key = keyOf(group);
    const list = byKey.get(key);
    if (list) list.push(group);
    else byKey.set(key, [group]);
  }
  return byKey;
}

function money(currency: string, nanos: bigint) {
  return { currency, amount: formatNanos(nanos) };
}

/** used / total to four decimals, without a float division of big sums. */
function ratio(used: bigint, total: bigint): number {
  if (total <= 0n) return used > 0n ? 1 : 0;
  return Number((used * 10_000n) / total) / 10_000;
}

function toRunway(
  remainingNanos: bigint,
  burn: bigint[],
  currency: string,
  burnSource: BurnSource,
  now: number,
): Runway {
  const estimate = estimateRunway(remainingNanos, burn);
  return {
    dailyBurn: money(currency, estimate.dailyBurnNanos),
    daysLeft: estimate.daysLeft,
    daysLeftLow: estimate.daysLeftLow,
    daysLeftHigh: estimate.daysLeftHigh,
    beyondCap: estimate.beyondCap,
    runsOutAt:
      estimate.runsOutInMs === null
        ? null
        : new Date(now + estimate.runsOutInMs).toISOString(),
    burnSource,
    windowDays: RUNWAY_WINDOW_DAYS,
  };
}

/** Spend per day of the window, oldest first, zero where nothing was reported. */
function dailySeries(
  spend: Array<{ dayStart: number; costNanos: bigint }>,
  window: { from: number; to: number },
): bigint[] {
  const days = Array.from({ length: RUNWAY_WINDOW_DAYS }, () => 0n);
  for (const { dayStart, costNanos } of spend) {
    const index = Math.floor((dayStart - window.from) / DAY_MS);
    if (index >= 0 && index < days.length) days[index] += costNanos;
  }
  return days;
}

function accountSpend(
  spend: Array<{
    accountId: string;
    currency: string;
    dayStart: number;
    costNanos: bigint;
  }>,
  budget: BudgetRecord,
  monthStart: number,
  window: { from: number; to: number },
) {
  const mine = spend.filter(
    s => s.accountId === budget.targetRef && s.currency === budget.currency,
  );
  return {
    usedNanos: mine
      .filter(s => s.dayStart >= monthStart)
      .reduce((sum, s) => sum + s.costNanos, 0n),
    burn: dailySeries(mine, window),
  };
}

/**
 * Charges per day from the falls between consecutive readings; rises are
 * top-ups and do not offset spend.
 */
export function burnFromReadings(
  readings: BalanceRecord[],
  window: { from: number; to: number },
): bigint[] {
  const drops: Array<{ dayStart: number; costNanos: bigint }> = [];
  for (let i = 1; i < readings.length; i++) {
    const fall = readings[i - 1].availableNanos - readings[i].availableNanos;
    if (fall > 0n) {
      drops.push({ dayStart: dayStartOf(readings[i].readAt), costNanos: fall });
    }
  }
  return dailySeries(drops, window);
}

/** Oldest first: each reading with its change against the one before. */
export function describeReadings(readings: BalanceRecord[]): BalanceReading[] {
  return readings.map((reading, index) => {
    const available = money(reading.currency, reading.availableNanos);
    if (index === 0) {
      return {
        readAt: new Date(reading.readAt).toISOString(),
        available,
        change: null,
        kind: 'first',
      };
    }
    const change = reading.availableNanos - readings[index - 1].availableNanos;
    let kind: BalanceReading['kind'] = 'unchanged';
    if (change > 0n) kind = 'top-up';
    else if (change < 0n) kind = 'charge';
    return {
      readAt: new Date(reading.readAt).toISOString(),
      available,
      change: money(reading.currency, change),
      kind,
    };
  });
}
