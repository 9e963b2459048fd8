import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { AlertRuleSet } from '../alerts/AlertRuleStore';
import { SloBurnRateFinder } from '../alerts/conditions/sloBurnRate';
import { HOUR_MS } from '../database/tables';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import {
  ADMIN,
  ALICE,
  BOB,
  TEAM_A,
  startLlmUsageBackend,
} from '../__testUtils__/pluginHarness';
import { CallRollup } from '../rollup/CallRollup';
import { SloService } from './SloService';
import { SloSettingsStore } from './SloSettingsStore';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const START = Date.UTC(2026, 9, 1, 0);
/** 48 hours of calls; the rollup has rolled all of them. */
const HOURS = 48;
const NOW = START + HOURS * HOUR_MS + 20 * 60_000;

const ANNOTATIONS = {
  'llm-usage.io/project-id': 'support-bot',
  'llm-usage.io/slo-p95-latency-ms': '3000',
  'llm-usage.io/slo-error-rate': '5%',
  'llm-usage.io/slo-ttft-ms': '400',
  'llm-usage.io/slo-target': '90%',
  'llm-usage.io/slo-window': '2d',
};

/**
 * Ten calls an hour. Hours 40 and 47 are slow (every call 5 s); hour 47
 * also fails 2 of its 10 calls (20 %); hour 30 has a slow first token.
 */
function hourCalls(hour: number) {
  return Array.from({ length: 10 }, (_, i) =>
    makeCall({
      id: `h${hour}-c${i}`,
      projectId: 'support-bot',
      occurredAt: START + hour * HOUR_MS + i * 60_000,
      durationMs: hour === 40 || hour === 47 ? 5000 : 800 + i * 10,
      ttftMs: hour === 30 ? 900 : 200,
      status: hour === 47 && i < 2 ? 'failed' : 'success',
      errorReason: hour === 47 && i < 2 ? 'rate_limited' : null,
    }),
  );
}

describe.each(databases.eachSupportedId())('SLOs on %p', id => {
  async function setup() {
    const { knex, calls, rollups, queries } = await migratedStores(
      await databases.init(id),
    );
    await calls.ingest(
      Array.from({ length: HOURS }, (_, hour) => hourCalls(hour)).flat(),
    );
    await new CallRollup(rollups).run(NOW);
    const settings = new SloSettingsStore(knex);
    const annotations: Record<string, Record<string, string>> = {
      'support-bot': ANNOTATIONS,
    };
    const projects = {
      projects: async () =>
        new Map([
          [
            'support-bot',
            {
              entityRef: 'component:default/support-bot',
              title: 'Support bot',
              ownerRefs: [TEAM_A],
            },
          ],
        ]),
      annotationsOf: async (projectId: string) => annotations[projectId] ?? {},
      entityOf: async (projectId: string) =>
        (await projects.projects()).get(projectId),
    };
    const slo = new SloService({ queries, rollups, projects, settings });
    return { knex, slo, settings, projects };
  }

  it('judges each objective hour by hour from the rollups, as computed by hand', async () => {
    const { knex, slo } = await setup();
    const report = await slo.report('support-bot', NOW);
    expect(report.source).toBe('annotation');
    expect(report.evaluatedUntil).toBe(
      new Date(START + HOURS * HOUR_MS).toISOString(),
    );
    const [latency, errors, ttft] = report.objectives;
    // 48 counted hours, 2 slow: 4.8 bad hours allowed at 90 %.
    expect(latency).toMatchObject({
      metric: 'latencyP95',
      threshold: 3000,
      target: 0.9,
      windowDays: 2,
      countedHours: 48,
      goodHours: 46,
      badHours: 2,
    });
    expect(latency.attainment).toBeCloseTo(46 / 48, 10);
    expect(latency.errorBudgetRemaining).toBeCloseTo(1 - 2 / 4.8, 8);
    const rate = (hours: number) =>
      latency.burnRates.find(r => r.hours === hours)!.burnRate!;
    expect(rate(1)).toBeCloseTo(10, 8); // the last hour, 47, is slow
    expect(rate(6)).toBeCloseTo(1 / 6 / 0.1, 8);
    expect(rate(24)).toBeCloseTo(2 / 24 / 0.1, 8);
    expect(rate(72)).toBeCloseTo(2 / 48 / 0.1, 8);
    expect(latency.brokenHours.map(h => h.hourStart)).toEqual([
      new Date(START + 47 * HOUR_MS).toISOString(),
      new Date(START + 40 * HOUR_MS).toISOString(),
    ]);
    expect(latency.brokenHours[0].value).toBeGreaterThanOrEqual(4900);
    // The error rate breaks only in hour 47, at 2 of 10.
    expect(errors).toMatchObject({ badHours: 1, countedHours: 48 });
    expect(errors.brokenHours).toEqual([
      {
        hourStart: new Date(START + 47 * HOUR_MS).toISOString(),
        value: 0.2,
        calls: 10,
      },
    ]);
    // TTFT by the hour mean: hour 30 at 900 ms.
    expect(ttft.brokenHours.map(h => [h.hourStart, h.value])).toEqual([
      [new Date(START + 30 * HOUR_MS).toISOString(), 900],
    ]);

    // Raw calls gone (retention): the report is the same, from rollups only.
    await knex('llm_usage_calls').delete();
    expect(await slo.report('support-bot', NOW)).toEqual(report);
  });

  it('lets settings override the annotations, and says when nothing is declared', async () => {
    const { slo, settings } = await setup();
    await settings.set(
      'support-bot',
      [{ metric: 'latencyP95', threshold: 6000, target: 0.99, windowDays: 1 }],
      ADMIN,
      NOW,
    );
    const report = await slo.report('support-bot', NOW);
    expect(report.source).toBe('settings');
    expect(report.objectives).toHaveLength(1);
    expect(report.objectives[0]).toMatchObject({
      countedHours: 24,
      badHours: 0,
      attainment: 1,
      errorBudgetRemaining: 1,
    });
    expect(await slo.declaredProjects()).toEqual(['support-bot']);
    await settings.delete('support-bot');
    expect((await slo.report('support-bot', NOW)).source).toBe('annotation');
    const none = await slo.report('other', NOW);
    expect(none).toMatchObject({ source: null, objectives: [] });
  });

  it('raises a burn-rate alert per burning objective, the fast tier one step more severe', async () => {
    const { slo, projects } = await setup();
    const finder = new SloBurnRateFinder(slo, projects);
    const conditions = await finder.conditions({
      now: NOW,
      rules: new AlertRuleSet([]),
      accounts: new Map(),
    });
    // Latency: 6 h burns at 1.67 (< 6), 72 h at 0.42 (< 1): nothing.
    // Errors: hour 47 alone: 6 h at 1.67, 72 h at 0.21: nothing either.
    expect(conditions).toEqual([]);

    // At 99 % one bad hour in six burns at 16.7: the fast tier fires.
    const strict = new SloService({
      queries: (slo as any).deps.queries,
      rollups: (slo as any).deps.rollups,
      settings: (slo as any).deps.settings,
      projects: {
        ...projects,
        annotationsOf: async () => ({
          ...ANNOTATIONS,
          'llm-usage.io/slo-target': '99%',
        }),
      },
    });
    const burning = await new SloBurnRateFinder(strict, projects).conditions({
      now: NOW,
      rules: new AlertRuleSet([]),
      accounts: new Map(),
    });
    expect(burning.map(c => [c.conditionKey, c.severity, c.ownerRef])).toEqual([
      ['slo_burn_rate:project:support-bot:latencyP95:fast', 'error', TEAM_A],
      ['slo_burn_rate:project:support-bot:errorRate:fast', 'error', TEAM_A],
      // TTFT broke in hour 30 only: 24 h at 4.17 and 72 h at 2.08, slow.
      ['slo_burn_rate:project:support-bot:ttft:slow', 'warning', TEAM_A],
    ]);
    expect(burning[0].params).toMatchObject({
      tier: 'fast',
      longHours: 6,
      shortHours: 1,
      longBurnRate: 16.67,
      shortBurnRate: 100,
      burnRateThreshold: 6,
    });
    // With the fast tier off, the slow one (72 h at 4.17, 24 h at 8.33) takes over.
    const slowOnly = await new SloBurnRateFinder(strict, projects).conditions({
      now: NOW,
      rules: new AlertRuleSet([
        {
          id: 'r1',
          type: 'slo_burn_rate',
          scope: 'project',
          scopeId: 'support-bot',
          enabled: true,
          severity: 'warning',
          params: { fast: false, slow: true },
          updatedAt: null,
          updatedBy: null,
        },
      ]),
      accounts: new Map(),
    });
    expect(slowOnly.map(c => [c.conditionKey, c.severity])).toEqual([
      ['slo_burn_rate:project:support-bot:latencyP95:slow', 'warning'],
      ['slo_burn_rate:project:support-bot:errorRate:slow', 'warning'],
      ['slo_burn_rate:project:support-bot:ttft:slow', 'warning'],
    ]);
  });

  it('serves reports to owners and admins, settings to admins only', async () => {
    const knex = await databases.init(id);
    const { server } = await startLlmUsageBackend(knex);
    const { calls, rollups } = await migratedStores(knex);
    await calls.ingest(
      hourCalls(3).map(call => ({ ...call, projectId: 'alpha' })),
    );
    await new CallRollup(rollups).run(START + 5 * HOUR_MS);
    const as = (user: string) => mockCredentials.user.header(user);
    const get = (user: string, path = '/api/llm-usage/slo/projects/alpha') =>
      request(server).get(path).set('Authorization', as(user));

    const empty = await get(ALICE);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ source: null, objectives: [] });
    // Bob owns beta, not alpha: as if there were no such project.
    expect((await get(BOB)).status).toBe(404);
    expect((await get(ADMIN, '/api/llm-usage/slo/projects/nope')).status).toBe(
      404,
    );

    const body = {
      objectives: [
        { metric: 'latencyP95', threshold: 3000, target: 0.99, windowDays: 7 },
      ],
    };
    const put = (user: string, payload: unknown) =>
      request(server)
        .put('/api/llm-usage/slo/projects/alpha/settings')
        .set('Authorization', as(user))
        .send(payload as object);
    expect((await put(ALICE, body)).status).toBe(403);
    const bad = await put(ADMIN, {
      objectives: [{ ...body.objectives[0], target: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/target/);
    const saved = await put(ADMIN, body);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ projectId: 'alpha', updatedBy: ADMIN });

    const report = await get(ALICE);
    expect(report.body.source).toBe('settings');
    expect(report.body.objectives[0]).toMatchObject({
      metric: 'latencyP95',
      countedHours: 1,
      goodHours: 1,
    });
    const [{ n }] = await knex('llm_usage_audit_events')
      .where({ action: 'slo.update', target_id: 'alpha' })
      .count({ n: '*' });
    expect(Number(n)).toBe(1);

    const removed = await request(server)
      .delete('/api/llm-usage/slo/projects/alpha/settings')
      .set('Authorization', as(ADMIN));
    expect(removed.status).toBe(204);
    expect((await get(ALICE)).body.source).toBeNull();
  });
});
