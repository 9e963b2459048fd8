import type { Knex } from 'knex';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
  randomCalls,
} from '../__testUtils__/databases';
import type { BudgetRecord } from '../budgets/BudgetStore';
import { estimateRunway, RUNWAY_WINDOW_DAYS } from '../budgets/runway';
import type { NormalizedCall } from '../database/types';
import { formatNanos } from '../lib/money';
import { CallRollup } from '../rollup/CallRollup';
import type { Caller } from '../budgets/Caller';
import type { UsageQueries } from '../usage/UsageQueries';
import { ProviderLedger } from './ProviderLedger';
import {
  burnFromReadings,
  burnWindow,
  monthOf,
  QuotaService,
} from './QuotaService';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 4 November, 15:30 UTC: the 7-day burn window starts in October. */
const NOW = Date.UTC(2026, 10, 4, 15, 30);
const START = Date.UTC(2026, 9, 20);
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';
/** The projects each group owns in the catalog. */
const OWNED: Record<string, string[]> = {
  [TEAM_A]: ['alpha', 'beta'],
  [TEAM_B]: [],
};

function budget(
  targetType: BudgetRecord['targetType'],
  targetRef: string,
  currency = 'USD',
): BudgetRecord {
  return {
    id: `${targetType}-${targetRef}-${currency}`,
    targetType,
    targetRef,
    name: targetRef,
    amountNanos: 90_000_000_000n,
    currency,
    createdBy: ALICE,
    createdAt: START,
    updatedAt: START,
  };
}

/** What a budget counts, straight from the calls. */
function counts(record: BudgetRecord, call: NormalizedCall): boolean {
  switch (record.targetType) {
    case 'project':
      return call.projectId === record.targetRef;
    case 'group':
      return (
        OWNED[record.targetRef].includes(call.projectId) ||
        call.userRef === record.targetRef
      );
    default:
      return call.userRef === record.targetRef;
  }
}

/** Month-to-date spend and the burn window's days, summed in JavaScript. */
function expectedSpend(record: BudgetRecord, calls: NormalizedCall[]) {
  const month = monthOf(NOW);
  const window = burnWindow(NOW);
  let used = 0n;
  const burn = Array.from({ length: RUNWAY_WINDOW_DAYS }, () => 0n);
  for (const call of calls) {
    if (call.currency !== record.currency || !counts(record, call)) continue;
    if (call.occurredAt >= month.start && call.occurredAt < NOW) {
      used += call.costNanos;
    }
    const day = Math.floor((call.occurredAt - window.from) / DAY);
    if (day >= 0 && day < RUNWAY_WINDOW_DAYS) burn[day] += call.costNanos;
  }
  return { used, burn };
}

describe.each(databases.eachSupportedId())('QuotaService on %p', id => {
  async function setUp(knex: Knex) {
    const stores = await migratedStores(knex);
    const calls = randomCalls({
      count: 1500,
      from: START,
      hours: Math.floor((NOW - START) / HOUR),
      seed: 11,
      users: [ALICE, BOB, 'user:default/carol', TEAM_A],
      projects: ['alpha', 'beta', 'gamma', 'delta'],
    });
    await stores.calls.ingest(calls);
    await new CallRollup(stores.rollups).run(NOW);
    // After the rollup: calls in the open hour, and late calls into a rolled
    // day of the window (its hour is dirty, so read raw).
    const later = [
      makeCall({ occurredAt: NOW - 60_000, projectId: 'alpha' }),
      makeCall({ occurredAt: NOW - 120_000, userRef: TEAM_A, projectId: 'x' }),
      makeCall({ occurredAt: NOW - 2 * DAY, userRef: BOB, projectId: 'beta' }),
      makeCall({
        occurredAt: NOW - 5 * DAY,
        userRef: BOB,
        projectId: 'gamma',
        costNanos: 5n,
        currency: 'CNY',
      }),
    ];
    await stores.calls.ingest(later);
    const projects = {
      async projectIdsOwnedBy([ref]: string[]) {
        return OWNED[ref] ?? [];
      },
    };
    const quota = new QuotaService(
      stores.queries,
      {} as any,
      projects as any,
      new ProviderLedger(knex),
    );
    return { quota, queries: stores.queries, calls: [...calls, ...later] };
  }

  it('counts every user, group and project budget as the calls say, from a few grouped reads that are cached', async () => {
    const knex = await databases.init(id);
    const { quota, queries, calls } = await setUp(knex);
    const records = [
      budget('project', 'alpha'),
      budget('project', 'gamma'),
      budget('project', 'gamma', 'CNY'),
      budget('project', 'no-calls'),
      budget('user', ALICE),
      budget('user', BOB, 'CNY'),
      budget('group', TEAM_A),
      budget('group', TEAM_B),
    ];

    const statements: string[] = [];
    const onQuery = (query: { sql: string }) => statements.push(query.sql);
    knex.on('query', onQuery);
    const standings = await quota.standings(records, NOW);
    const cold = statements.splice(0);
    // What the reads handed to the background (the windows an hour on) read
    // is not the second read's.
    await queries.backgroundReadsDone();
    statements.splice(0);
    const again = await quota.standings(records, NOW);
    const warm = statements.splice(0);
    const fewer = await quota.standings(records.slice(0, 1), NOW);
    const one = statements.splice(0);
    knex.off('query', onQuery);

    expect(again).toEqual(standings);
    expect(standings.map(s => s.budget)).toEqual(records);
    for (const standing of standings) {
      const { used, burn } = expectedSpend(standing.budget, calls);
      const remaining = standing.budget.amountNanos - used;
      const estimate = estimateRunway(remaining, burn);
      expect({
        budget: standing.budget.id,
        used: standing.usedNanos,
        remaining: standing.remainingNanos,
        dailyBurn: standing.runway.dailyBurn.amount,
        daysLeft: standing.runway.daysLeft,
      }).toEqual({
        budget: standing.budget.id,
        used,
        remaining,
        dailyBurn: formatNanos(estimate.dailyBurnNanos),
        daysLeft: estimate.daysLeft,
      });
    }
    // Every budget but the empty ones spent something: a real check.
    expect(standings.filter(s => s.usedNanos > 0n)).toHaveLength(6);
    expect(standings[0].periodStart).toBe(monthOf(NOW).start);

    const rolled = (sql: string) => /llm_usage_rollup_(hourly|daily)/.test(sql);
    // Three grouped reads (projects, users, calls in a group's name) for
    // eight budgets, not reads per budget; each reads daily rows, hours of
    // days rolled whole and hours of the day being rolled.
    expect(cold.filter(rolled).length).toBeGreaterThan(0);
    expect(cold.filter(rolled).length).toBeLessThanOrEqual(3 * 3);
    // Cached: only the raw calls not rolled up yet are read again.
    expect(warm.filter(rolled)).toEqual([]);
    expect(warm.length).toBeLessThan(cold.length);
    // One budget, one grouped read: fewer statements than the eight's.
    expect(one.length).toBeLessThan(cold.length);
    expect(fewer[0]).toEqual(standings[0]);
  });

  /** The statements of a second run of `read` (the first fills any cache). */
  async function statementsOf(
    knex: Knex,
    queries: UsageQueries,
    read: () => Promise<unknown>,
  ) {
    await read();
    await queries.backgroundReadsDone();
    const statements: string[] = [];
    const onQuery = (query: { sql: string }) => statements.push(query.sql);
    knex.on('query', onQuery);
    try {
      await read();
    } finally {
      knex.off('query', onQuery);
    }
    return statements;
  }

  /** The tables each statement reads, per statement, sorted. */
  const tablesOf = (statements: string[]) =>
    statements
      .map(sql =>
        [...new Set(sql.match(/(?<=(from|join) [`"])\w+/gi))]
          .sort()
          .join(' + '),
      )
      .sort();

  it('reads the rollup state once and only the calls not rolled up yet when cached, however many budgets', async () => {
    const knex = await databases.init(id);
    const { quota, queries } = await setUp(knex);
    const budgets = (count: number) =>
      Array.from({ length: count }, (_, i) => [
        budget('project', `project-${i}`),
        budget('user', `user:default/user-${i}`),
        budget('group', i === 0 ? TEAM_A : `group:default/team-${i}`),
      ]).flat();

    const few = await statementsOf(knex, queries, () =>
      quota.standings(budgets(1), NOW),
    );
    const many = await statementsOf(knex, queries, () =>
      quota.standings(budgets(30), NOW),
    );

    // The rollup state (its row, dirty and rewritten hours, in one
    // statement) once for all three grouped reads, then each read's calls
    // that are not rolled up yet; never the rollups, never a statement per
    // budget.
    expect(tablesOf(many)).toEqual([
      'llm_usage_calls',
      'llm_usage_calls',
      'llm_usage_calls',
      'llm_usage_rollup_dirty_hours + llm_usage_rollup_hour_versions + llm_usage_rollup_state',
    ]);
    expect(tablesOf(few)).toEqual(tablesOf(many));
  });

  it('reads the balance history of every account without provider usage in one query', async () => {
    const knex = await databases.init(id);
    const { queries } = await migratedStores(knex);
    const window = burnWindow(NOW);
    const readingsOf = (index: number) =>
      // Falls of `index + 1` a day, one top-up, in USD; account 0 also in CNY.
      [100, 99 - index, 98 - 2 * index, 150, 149 - index].map(
        (available, daysAgo) => ({
          available: BigInt(available) * 1_000_000_000n,
          readAt: window.to - (5 - daysAgo) * DAY + 3_600_000,
        }),
      );
    const addAccounts = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const accountId = `account-${count}-${i}`;
        await knex('llm_usage_accounts').insert({
          id: accountId,
          provider: 'openrouter',
          name: accountId,
          owner_ref: TEAM_A,
          source: 'api',
          settings: '{}',
          status: 'ok',
          last_sync_at: NOW,
          last_error: null,
          created_at: NOW,
          updated_at: NOW,
        });
        for (const currency of i === 0 ? ['USD', 'CNY'] : ['USD']) {
          await knex('llm_usage_balances').insert(
            readingsOf(i).map(reading => ({
              account_id: accountId,
              currency,
              available_nanos: String(reading.available),
              read_at: reading.readAt,
            })),
          );
        }
      }
    };
    const ledger = new ProviderLedger(knex);
    const quota = new QuotaService(
      queries,
      { list: async () => [], withAccess: async () => [] } as any,
      {} as any,
      ledger,
    );
    const admin: Caller = {
      actorRef: 'user:default/admin',
      isAdmin: true,
      ownershipRefs: [],
      scope: { kind: 'all' },
    };

    await addAccounts(1);
    const one = await statementsOf(knex, queries, () =>
      quota.quotaFor(admin, undefined, NOW),
    );
    await addAccounts(6);
    const seven = await statementsOf(knex, queries, () =>
      quota.quotaFor(admin, undefined, NOW),
    );
    const { balances } = await quota.quotaFor(admin, undefined, NOW);

    // Account 0 of each batch has a CNY balance too.
    expect(balances).toHaveLength(2 + 7);
    for (const balance of balances) {
      const index = Number(balance.accountId.split('-')[2]);
      const expected = estimateRunway(
        readingsOf(index)[4].available,
        burnFromReadings(
          readingsOf(index).map(r => ({
            accountId: balance.accountId,
            currency: balance.available.currency,
            availableNanos: r.available,
            totalNanos: null,
            usedNanos: null,
            readAt: r.readAt,
          })),
          window,
        ),
      );
      expect(balance.runway).toMatchObject({
        burnSource: 'balance-history',
        dailyBurn: {
          currency: balance.available.currency,
          amount: formatNanos(expected.dailyBurnNanos),
        },
        daysLeft: expected.daysLeft,
      });
    }
    expect(balances.some(b => b.runway.daysLeft !== null)).toBe(true);
    expect(tablesOf(seven)).toEqual(tablesOf(one));
  });
});
