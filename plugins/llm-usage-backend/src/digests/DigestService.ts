import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  CostAmount,
  DigestCadence,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { UsageQueries, UsageGroup } from '../usage/UsageQueries';
import { DAY_MS, dayStartOf } from '../database/tables';
import type { VisibilityScope } from '../database/types';
import { CostTotals, formatNanos } from '../lib/money';
import type { ExpiringKey, ProviderLedger } from '../quota/ProviderLedger';
import { monthStartOf } from '../time/months';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import { translatorFor, type Translator } from '../i18n';
import type { RecipientLanguages } from '../i18n/RecipientLanguages';
import type { DigestPreferenceStore } from './DigestPreferenceStore';

/** How far ahead a digest looks for expiring keys. */
const EXPIRY_HORIZON_DAYS = 14;
const TOP_COUNT = 5;

export interface Period {
  start: number;
  end: number;
}

/** A spend line: a project or model with its cost per currency. */
export interface DigestLine {
  name: string;
  calls: number;
  costs: CostAmount[];
}

/** Everything a digest says, before it becomes text. */
export interface SpendDigest {
  ownerRef: string;
  cadence: DigestCadence;
  period: Period;
  calls: number;
  previousCalls: number;
  /** Per currency: this period, the one before and the relative change. */
  spend: Array<{
    currency: string;
    amount: string;
    previous: string;
    /** null when the previous period spent nothing. */
    change: number | null;
  }>;
  topProjects: DigestLine[];
  topModels: DigestLine[];
  expiringKeys: ExpiringKey[];
}

/** The last complete period of a cadence before `now`, and the one before it. */
export function digestPeriods(
  cadence: DigestCadence,
  now: number,
): { current: Period; previous: Period } {
  if (cadence === 'weekly') {
    const today = dayStartOf(now);
    // Weeks start on Monday (ISO); getUTCDay() is 0 on Sunday.
    const weekStart = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY_MS;
    return {
      current: { start: weekStart - 7 * DAY_MS, end: weekStart },
      previous: { start: weekStart - 14 * DAY_MS, end: weekStart - 7 * DAY_MS },
    };
  }
  return {
    current: { start: monthStartOf(now, -1), end: monthStartOf(now) },
    previous: { start: monthStartOf(now, -2), end: monthStartOf(now, -1) },
  };
}

/**
 * Weekly and monthly spend digests per owner (a team or a user that owns
 * projects, keys or accounts), sent through Backstage notifications to the
 * owner entity. On by default; owners opt out per cadence.
 */
export class DigestService {
  constructor(
    private readonly queries: UsageQueries,
    private readonly projects: ProjectDirectory,
    private readonly ledger: ProviderLedger,
    private readonly preferences: DigestPreferenceStore,
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
    private readonly options: {
      appLink?: string;
      /** The owner's language; English when absent. */
      languages?: Pick<RecipientLanguages, 'translatorFor'>;
    } = {},
  ) {}

  /** Sends the digests of every cadence whose last period was not sent yet. */
  async runDue(now = Date.now()) {
    const weekly = await this.send('weekly', now);
    const monthly = await this.send('monthly', now);
    return { weekly, monthly };
  }

  /** Sends one cadence's digests for its last complete period; idempotent. */
  async send(
    cadence: DigestCadence,
    now = Date.now(),
  ): Promise<{ sent: number; skipped: number; failed: number }> {
    const periods = digestPeriods(cadence, now);
    const [owners, optedOut] = await Promise.all([
      this.owners(),
      this.preferences.optedOut(cadence),
    ]);
    const result = { sent: 0, skipped: 0, failed: 0 };
    for (const ownerRef of owners) {
      if (optedOut.has(ownerRef)) {
        result.skipped++;
        continue;
      }
      const claimed = await this.preferences.claim(
        ownerRef,
        cadence,
        periods.current.start,
        now,
      );
      if (!claimed) {
        result.skipped++;
        continue;
      }
      try {
        const digest = await this.build(ownerRef, cadence, now);
        if (digest.calls === 0 && digest.expiringKeys.length === 0) {
          // Nothing happened: no mail. The claim stays, so it is not re-checked.
          result.skipped++;
          continue;
        }
        const tr =
          (await this.options.languages?.translatorFor([ownerRef])) ??
          translatorFor('en');
        await this.notifications.send({
          recipients: { type: 'entity', entityRef: ownerRef },
          payload: renderDigest(
            digest,
            this.options.appLink ?? '/llm-usage',
            tr,
          ),
        });
        result.sent++;
      } catch (error) {
        await this.preferences.release(
          ownerRef,
          cadence,
          periods.current.start,
        );
        result.failed++;
        this.logger.warn(
          `Could not send the ${cadence} LLM spend digest to ${ownerRef}: ${error}`,
        );
      }
    }
    return result;
  }

  /** The digest of one owner for the last complete period before `now`. */
  async build(
    ownerRef: string,
    cadence: DigestCadence,
    now = Date.now(),
  ): Promise<SpendDigest> {
    const { current, previous } = digestPeriods(cadence, now);
    const scope: VisibilityScope = {
      kind: 'restricted',
      // A group makes no calls itself, so only its projects match.
      userRef: ownerRef,
      projectIds: await this.projects.projectIdsOwnedBy([ownerRef]),
    };
    const [byProject, byModel, before, expiringKeys] = await Promise.all([
      this.queries.aggregate({
        scope,
        ...toRange(current),
        groupBy: ['project'],
      }),
      this.queries.aggregate({
        scope,
        ...toRange(current),
        groupBy: ['model'],
      }),
      this.queries.aggregate({ scope, ...toRange(previous) }),
      this.ledger.expiringKeys(
        ownerRef,
        now,
        now + EXPIRY_HORIZON_DAYS * DAY_MS,
      ),
    ]);
    const totals = sumGroups(byProject);
    const then = sumGroups(before);
    const currencies = [
      ...new Set(
        [...totals.costs.toAmounts(), ...then.costs.toAmounts()].map(
          a => a.currency,
        ),
      ),
    ].sort();
    return {
      ownerRef,
      cadence,
      period: current,
      calls: totals.calls,
      previousCalls: then.calls,
      spend: currencies.map(currency => {
        const amount = totals.costs.nanos(currency);
        const prior = then.costs.nanos(currency);
        return {
          currency,
          amount: formatNanos(amount),
          previous: formatNanos(prior),
          change:
            prior > 0n
              ? Number(((amount - prior) * 10_000n) / prior) / 10_000
              : null,
        };
      }),
      topProjects: topLines(byProject, 'project'),
      topModels: topLines(byModel, 'model'),
      expiringKeys,
    };
  }

  /** Owners of annotated components, keys and accounts. */
  private async owners(): Promise<string[]> {
    const [directory, ledgerOwners] = await Promise.all([
      this.projects.projects(),
      this.ledger.ownerRefs(),
    ]);
    const owners = new Set(ledgerOwners);
    for (const entity of directory.values()) {
      for (const ref of entity.ownerRefs) owners.add(ref.toLowerCase());
    }
    return [...owners]
      .filter(ref => ref.startsWith('user:') || ref.startsWith('group:'))
      .sort();
  }
}

function toRange(period: Period) {
  return { from: period.start, to: period.end };
}

function sumGroups(groups: UsageGroup[]) {
  const costs = new CostTotals();
  let calls = 0;
  for (const group of groups) {
    costs.addAll(group.usage.costs);
    calls += group.usage.counters.calls;
  }
  return { calls, costs };
}

function topLines(
  groups: UsageGroup[],
  dimension: 'project' | 'model',
): DigestLine[] {
  return groups
    .map(group => ({
      name: group.dimensions[dimension]!,
      calls: group.usage.counters.calls,
      dominant: group.usage.costs.dominantNanos(),
      costs: group.usage.costs.toAmounts(),
    }))
    .sort(
      (a, b) =>
        (b.dominant > a.dominant ? 1 : 0) - (b.dominant < a.dominant ? 1 : 0) ||
        b.calls - a.calls ||
        a.name.localeCompare(b.name),
    )
    .slice(0, TOP_COUNT)
    .map(({ dominant: _dominant, ...line }) => line);
}

function day(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * The notification in the owner's language: a one-line title and a
 * plain-text body, amounts and dates formatted for that language.
 */
export function renderDigest(
  digest: SpendDigest,
  appLink: string,
  tr: Translator = translatorFor('en'),
) {
  const m = tr.messages.digest;
  const weekly = digest.cadence === 'weekly';
  const costs = (amounts: CostAmount[]) =>
    amounts.length === 0
      ? m.noCost
      : amounts.map(c => tr.money(c.amount, c.currency)).join(' + ');
  const list = (items: string[]) => items.join(m.separator);
  const nothingBefore = weekly ? m.nothingWeekBefore : m.nothingMonthBefore;
  const spend = digest.spend
    .map(s => {
      const change =
        s.change === null
          ? nothingBefore
          : tr.fill(weekly ? m.changeVsWeek : m.changeVsMonth, {
              change: tr.signedPercent(s.change),
            });
      return tr.fill(m.spendChange, {
        amount: tr.money(s.amount, s.currency),
        change,
      });
    })
    .join(', ');
  const lines = [
    tr.fill(m.summary, {
      from: tr.day(digest.period.start),
      to: tr.day(digest.period.end - DAY_MS),
      calls: tr.plural(tr.messages.units.calls, digest.calls),
      spend: spend ? tr.fill(m.spend, { amounts: spend }) : m.noSpend,
    }),
  ];
  if (digest.topProjects.length > 0) {
    lines.push(
      tr.fill(m.topProjects, {
        list: list(digest.topProjects.map(p => `${p.name} ${costs(p.costs)}`)),
      }),
    );
  }
  if (digest.topModels.length > 0) {
    lines.push(
      tr.fill(m.topModels, {
        list: list(digest.topModels.map(x => `${x.name} ${costs(x.costs)}`)),
      }),
    );
  }
  if (digest.expiringKeys.length > 0) {
    lines.push(
      tr.fill(m.expiringKeys, {
        list: list(
          digest.expiringKeys.map(k =>
            tr.fill(m.expiringKey, {
              name: k.name,
              provider: k.provider,
              date: tr.day(k.expiresAt),
            }),
          ),
        ),
      }),
    );
  }
  return {
    title: tr.fill(weekly ? m.weeklyTitle : m.monthlyTitle, {
      owner: digest.ownerRef,
      spend: costs(
        digest.spend.map(s => ({ currency: s.currency, amount: s.amount })),
      ),
    }),
    description: lines.join('\n'),
    link: appLink,
    severity: 'low' as const,
    topic: 'llm-usage-digest',
    // The period in ISO form: the same digest updates one notification.
    scope: `llm-usage-digest:${digest.cadence}:${day(digest.period.start)}`,
  };
}
