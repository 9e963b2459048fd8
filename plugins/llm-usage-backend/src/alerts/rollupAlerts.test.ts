import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import request from 'supertest';
import type { Knex } from 'knex';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { markHoursDirty } from '../rollup/dirtyHours';
import { AlertDelivery } from '../notifications/AlertDelivery';
import { ProviderLedger } from '../quota/ProviderLedger';
import { CallRollup } from '../rollup/CallRollup';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import {
  ADMIN,
  ALICE,
  startLlmUsageBackend,
} from '../__testUtils__/pluginHarness';
import { AlertEvaluator } from './AlertEvaluator';
import { DatabaseAlertRuleStore } from './DatabaseAlertRuleStore';
import { AlertStore } from './AlertStore';
import { DatabaseAlertStore } from './DatabaseAlertStore';
import { parseAlertRuleInput } from './alertSchemas';
import { rollupErrorGist } from './conditions/rollupFailed';
import { KeyFacts, accountReader } from './facts';
import type { AlertViewer } from './types';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1, 0);
const BAD_HOUR = START + 5 * HOUR;
const HUGE = '9000000000000000000';
const ADMINS = 'group:default/platform';

const admin: AlertViewer = {
  userRef: 'user:default/root',
  isAdmin: true,
  ownershipRefs: ['user:default/root'],
};
// Alice owns the calls of the corrupted hour: still not hers to see.
const alice: AlertViewer = {
  userRef: 'user:default/alice',
  isAdmin: false,
  ownershipRefs: ['user:default/alice', 'group:default/team-a'],
};

describe.each(databases.eachSupportedId())('rollup alerts on %p', id => {
  async function setup() {
    const { knex, calls, rollups } = await migratedStores(
      await databases.init(id),
    );
    // Three calls in each of eight hours.
    await calls.ingest(
      Array.from({ length: 24 }, (_, i) =>
        makeCall({
          id: `call-${i}`,
          occurredAt: START + Math.floor(i / 3) * HOUR + (i % 3) * 60_000,
        }),
      ),
    );
    const alerts = new DatabaseAlertStore(knex);
    const send = jest.fn(async () => undefined);
    const enqueue = jest.fn(async () => undefined);
    const logger = mockServices.logger.mock();
    const ledger = new ProviderLedger(knex);
    const evaluator = new AlertEvaluator({
      alerts,
      rules: new DatabaseAlertRuleStore(knex),
      keys: new KeyFacts(knex),
      accounts: accountReader(new DatabaseAccountStore(knex), ledger),
      projectUsage: { monthUsage: async () => new Map() },
      projects: { entityOf: async () => undefined },
      rollups,
      delivery: new AlertDelivery({
        alerts,
        webhooks: { enqueue },
        logger,
        notifications: { send },
        fallbackRecipients: [ADMINS],
      }),
      logger,
      clock: () => START + 9 * HOUR,
    });
    // As the plugin wires it: a run that meets or clears failures evaluates.
    const rollup = new CallRollup(rollups, logger, 1, () =>
      evaluator.evaluateSoon(),
    );
    const rollAndEvaluate = async () => {
      const result = await rollup.run(START + 9 * HOUR);
      await evaluator.idle();
      return result;
    };
    return {
      knex,
      rollups,
      alerts,
      send,
      enqueue,
      evaluator,
      rollAndEvaluate,
    };
  }

  /** Two calls of one detail key whose token counts sum past 64 bits. */
  async function corruptBadHour(knex: Knex) {
    await knex('llm_usage_calls')
      .whereIn('id', ['call-15', 'call-16'])
      .update({ input_tokens: HUGE });
  }

  const open = (alerts: AlertStore, viewer: AlertViewer) =>
    alerts.list(viewer, { state: 'open', limit: 50 }).then(page => page.items);

  it('raises one admin-only error alert for a rollup hour that fails, and resolves it once the hour rolls', async () => {
    const { knex, rollups, alerts, send, enqueue, rollAndEvaluate } =
      await setup();
    await corruptBadHour(knex);

    const first = await rollAndEvaluate();
    expect(first.failedHours).toEqual([BAD_HOUR]);
    const [alert, ...others] = await open(alerts, admin);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      type: 'rollup_failed',
      severity: 'error',
      target: { type: 'system', id: 'rollup', name: null },
      accountId: null,
      ownerRef: null,
      params: {
        firstHour: new Date(BAD_HOUR).toISOString(),
        hours: 1,
        failures: 1,
        error: expect.stringMatching(
          /^(bigint out of range|integer overflow)$/,
        ),
      },
      resolvedAt: null,
    });
    // The evidence carries no SQL and none of the rows' values.
    expect(JSON.stringify(alert.params)).not.toMatch(/insert|select|9000/i);

    // Alice's own calls are in that hour, yet the alert is not hers.
    expect(await open(alerts, alice)).toEqual([]);
    await expect(alerts.getVisible(alice, alert.id)).rejects.toThrow(
      NotFoundError,
    );
    expect(await alerts.unreadCounts(alice)).toEqual({
      info: 0,
      warning: 0,
      error: 0,
    });
    expect(await alerts.unreadCounts(admin)).toEqual({
      info: 0,
      warning: 0,
      error: 1,
    });

    // Delivered like the others: to the admins, and to the webhooks.
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: [ADMINS] },
      payload: expect.objectContaining({
        title: 'LLM Usage: Rollup failing',
        // The hour in the reader's language (en here); the time-of-day
        // spacing varies between ICU versions, so only the date is matched.
        description: expect.stringContaining(
          'cannot roll 1 hour of calls, the oldest Oct 1, 2026,',
        ),
        severity: 'high',
        scope: 'llm-usage-alert:rollup_failed:system:rollup',
      }),
    });
    expect(enqueue).toHaveBeenCalledWith(
      expect.objectContaining({ id: alert.id }),
      'opened',
    );

    // Failing again: the same alert, refreshed, not a second one.
    await rollAndEvaluate();
    const again = await open(alerts, admin);
    expect(again.map(a => a.id)).toEqual([alert.id]);
    expect(again[0].params.failures).toBe(2);
    expect(send).toHaveBeenCalledTimes(1);

    // Repaired: the next roll clears the failure record and the alert.
    await knex('llm_usage_calls').where('input_tokens', HUGE).delete();
    const repaired = await rollAndEvaluate();
    expect(repaired.failedHours).toEqual([]);
    expect(await rollups.failedHours()).toEqual([]);
    expect(await open(alerts, admin)).toEqual([]);
    const { items: resolved } = await alerts.list(admin, {
      state: 'resolved',
      limit: 50,
    });
    expect(resolved.map(a => [a.id, a.resolvedAt])).toEqual([
      [alert.id, START + 9 * HOUR],
    ]);
    expect(enqueue).toHaveBeenLastCalledWith(
      expect.objectContaining({ id: alert.id }),
      'resolved',
    );
  });

  it('is raised by the hourly evaluation too, and not while its rule is off', async () => {
    const { knex, rollups, alerts, evaluator } = await setup();
    await corruptBadHour(knex);
    // A rollup that tells nobody: only the recorded failures remain.
    await new CallRollup(rollups).run(START + 9 * HOUR);
    expect(await open(alerts, admin)).toEqual([]);

    // The hourly evaluation reads the recorded failures on its own.
    const changes = await evaluator.evaluate();
    expect(changes.opened.map(a => a.type)).toEqual(['rollup_failed']);

    await new DatabaseAlertRuleStore(knex).save(
      {
        type: 'rollup_failed',
        scope: 'global',
        enabled: false,
        severity: 'error',
        params: {},
      },
      admin.userRef,
      START,
    );
    const off = await evaluator.evaluate();
    expect(off.resolved.map(a => a.type)).toEqual(['rollup_failed']);
    expect(await open(alerts, admin)).toEqual([]);
  });

  it("shows the plugin's evaluation of a failed hour to admins only, over HTTP, until the hour rolls", async () => {
    const knex = await databases.init(id);
    const { server } = await startLlmUsageBackend(knex, {
      config: {
        llmUsage: {
          alerts: {
            schedule: {
              frequency: { hours: 24 },
              timeout: { minutes: 10 },
              initialDelay: { hours: 24 },
            },
          },
        },
      },
    });
    const { calls, rollups } = await migratedStores(knex);
    await calls.ingest(
      [0, 1].map(i =>
        makeCall({ id: `call-${15 + i}`, occurredAt: BAD_HOUR + i * 60_000 }),
      ),
    );
    await corruptBadHour(knex);
    // The rollup task of another instance meets the bad hour.
    await new CallRollup(rollups).run(START + 9 * HOUR);

    const as = (user: string) => mockCredentials.user.header(user);
    const evaluate = () =>
      request(server)
        .post('/api/llm-usage/alerts/evaluate')
        .set('Authorization', as(ADMIN));
    expect((await evaluate()).body).toEqual({ opened: 1, resolved: 0 });
    const list = (user: string) =>
      request(server)
        .get('/api/llm-usage/alerts')
        .set('Authorization', as(user));
    const adminView = await list(ADMIN);
    expect(adminView.body.items).toMatchObject([
      {
        type: 'rollup_failed',
        severity: 'error',
        target: { type: 'system', id: 'rollup', name: null },
        ownerRef: null,
        params: { firstHour: new Date(BAD_HOUR).toISOString(), hours: 1 },
      },
    ]);
    const alertId = adminView.body.items[0].id;
    // Alice owns the calls of that hour; the alert is still not hers.
    expect((await list(ALICE)).body.items).toEqual([]);
    const hers = await request(server)
      .get(`/api/llm-usage/alerts/${alertId}`)
      .set('Authorization', as(ALICE));
    expect(hers.status).toBe(404);
    const filtered = await request(server)
      .get('/api/llm-usage/alerts?type=rollup_failed&state=all')
      .set('Authorization', as(ADMIN));
    expect(filtered.body.items.map((a: any) => a.id)).toEqual([alertId]);

    await knex('llm_usage_calls').where('input_tokens', HUGE).delete();
    await new CallRollup(rollups).run(START + 9 * HOUR);
    expect((await evaluate()).body).toEqual({ opened: 0, resolved: 1 });
    expect((await list(ADMIN)).body.items).toEqual([]);
  });

  it('clears the failure of an hour that rolls while a late call renews its mark', async () => {
    const { knex, rollups } = await setup();
    await rollups.recordFailure([BAD_HOUR], 'integer overflow');
    const claimed = await rollups.claimClosedDirtyHours(START + 9 * HOUR);
    // A late call lands after the claim: the mark must stay for the next run.
    await markHoursDirty(knex, [BAD_HOUR]);
    await rollups.rollHours(claimed);
    const marks = await knex('llm_usage_rollup_dirty_hours');
    expect(marks.map(mark => Number(mark.hour_start))).toEqual([BAD_HOUR]);
    expect(await rollups.failedHours()).toEqual([]);
  });
});

describe('rollup alert rules and evidence', () => {
  it('takes only the global scope and no params', () => {
    const rule = {
      type: 'rollup_failed',
      scope: 'global',
      enabled: true,
      severity: 'warning',
      params: {},
    };
    expect(parseAlertRuleInput(rule)).toEqual(rule);
    expect(() =>
      parseAlertRuleInput({ ...rule, scope: 'account', scopeId: 'acc-1' }),
    ).toThrow(
      new InputError(
        `Invalid field 'scope': must be global for rollup_failed rules`,
      ),
    );
    expect(() => parseAlertRuleInput({ ...rule, params: { days: 3 } })).toThrow(
      InputError,
    );
  });

  it('shortens the stored error and keeps SQL out of it', () => {
    expect(rollupErrorGist('integer overflow')).toBe('integer overflow');
    expect(rollupErrorGist('')).toBeNull();
    expect(rollupErrorGist('x'.repeat(1000))).toHaveLength(200);
    expect(
      rollupErrorGist(
        `insert into "llm_usage_rollup_hourly" ("cost_nanos") values ('${HUGE}')`,
      ),
    ).toBe('database error (see the backend log)');
  });
});
