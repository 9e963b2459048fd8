import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { AlertEvaluator } from '../alerts/AlertEvaluator';
import { DatabaseAlertRuleStore } from '../alerts/DatabaseAlertRuleStore';
import { DatabaseAlertStore } from '../alerts/DatabaseAlertStore';
import { KeyFacts, accountReader } from '../alerts/facts';
import type { AlertViewer } from '../alerts/types';
import { AlertDelivery } from '../notifications/AlertDelivery';
import { ProviderLedger } from '../quota/ProviderLedger';
import { CallRollup } from '../rollup/CallRollup';
import type { NormalizedCall } from '../database/types';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import { AnomalyReader } from './AnomalyReader';
import { AnomalyDetector } from './anomalyConditions';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Friday 4 December 2026, 12:00 UTC.
const NOW = Date.UTC(2026, 11, 4, 12);
const BURST_HOUR = Date.UTC(2026, 11, 4, 9);
const NIGHT_HOUR = Date.UTC(2026, 11, 4, 2);
const YESTERDAY = Date.UTC(2026, 11, 3);
const admin: AlertViewer = {
  userRef: 'user:default/root',
  isAdmin: true,
  ownershipRefs: ['user:default/root'],
};

/**
 * Key k1 (called by its provider id pk-1) works weekdays 08:00–17:59 UTC,
 * five calls an hour, for five weeks. Today it had a burst at 09:00, its
 * first call of a new model and calls at 02:00. Key k2 had a few calls two
 * weeks ago, and yesterday its provider billed 40 requests no call made.
 */
function traffic(): NormalizedCall[] {
  const calls: NormalizedCall[] = [];
  let n = 0;
  const call = (at: number, overrides: Partial<NormalizedCall> = {}) =>
    calls.push(
      makeCall({
        id: `c${++n}`,
        occurredAt: at + (n % 50) * 60_000,
        apiKeyId: 'pk-1',
        projectId: 'support-bot',
        ...overrides,
      }),
    );
  for (let day = NOW - 35 * DAY; day <= NOW; day += DAY) {
    const start = Math.floor(day / DAY) * DAY;
    const weekday = new Date(start).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let hour = 8; hour < 18; hour++) {
      const at = start + hour * HOUR;
      if (at + HOUR > NOW) continue;
      for (let i = 0; i < 5; i++) call(at);
    }
  }
  for (let i = 0; i < 60; i++) call(BURST_HOUR);
  call(BURST_HOUR, { model: 'gpt-5' });
  for (let i = 0; i < 25; i++) call(NIGHT_HOUR);
  for (let i = 0; i < 3; i++) {
    call(NOW - 14 * DAY, { apiKeyId: 'k2', projectId: 'legacy' });
  }
  return calls;
}

async function seedInventory(knex: Knex) {
  const stamp = { created_at: 1, updated_at: 1 };
  await knex('llm_usage_accounts').insert({
    id: 'acc-a',
    provider: 'openai',
    name: 'OpenAI prod',
    source: 'api',
    owner_ref: 'group:default/team-a',
    ...stamp,
  });
  await knex('llm_usage_keys').insert(
    ['k1', 'k2'].map(id => ({
      id,
      account_id: 'acc-a',
      provider: 'openai',
      provider_key_id: id === 'k1' ? 'pk-1' : 'pk-2',
      name: `${id} name`,
      status: 'active',
      source: 'provider',
      ...stamp,
    })),
  );
  const usage = (day: number, requests: number) => ({
    account_id: 'acc-a',
    day_start: day,
    provider_key_id: 'pk-2',
    model: 'gpt-4o',
    provider_project_id: '',
    currency: 'USD',
    input_tokens: 12_000,
    output_tokens: 3_000,
    requests,
    cost_nanos: '90000000',
    synced_at: NOW,
  });
  // Yesterday's 40 requests made no recorded call; today is not over (its
  // figures are partial and its calls may not be rolled up), so it is not judged.
  await knex('llm_usage_provider_usage').insert([
    usage(YESTERDAY, 40),
    usage(YESTERDAY + DAY, 7),
  ]);
}

describe.each(databases.eachSupportedId())('anomaly alerts on %p', id => {
  async function setup() {
    const { knex, calls, rollups } = await migratedStores(
      await databases.init(id),
    );
    await seedInventory(knex);
    await calls.ingest(traffic());
    await new CallRollup(rollups).run(NOW);
    const alerts = new DatabaseAlertStore(knex);
    const send = jest.fn(async () => undefined);
    const logger = mockServices.logger.mock();
    let now = NOW;
    const evaluator = new AlertEvaluator({
      alerts,
      rules: new DatabaseAlertRuleStore(knex),
      keys: new KeyFacts(knex),
      accounts: accountReader(
        new DatabaseAccountStore(knex),
        new ProviderLedger(knex),
      ),
      projectUsage: { monthUsage: async () => new Map() },
      projects: { entityOf: async () => undefined },
      anomalies: new AnomalyDetector({
        reader: new AnomalyReader(knex),
        projectOf: async projectId =>
          projectId === 'support-bot'
            ? { title: 'Support bot', ownerRefs: ['group:default/support'] }
            : undefined,
      }),
      delivery: new AlertDelivery({
        alerts,
        webhooks: { enqueue: async () => undefined },
        logger,
        notifications: { send },
      }),
      logger,
      clock: () => now,
    });
    const open = async () =>
      (await alerts.list(admin, { state: 'open', limit: 100 })).items.filter(
        alert => alert.type === 'anomaly',
      );
    return {
      knex,
      evaluator,
      open,
      send,
      setNow: (time: number) => {
        now = time;
      },
    };
  }

  it('raises one alert per key or project, kind and day, with the evidence, from the rollups', async () => {
    const { evaluator, open, send } = await setup();
    const changes = await evaluator.evaluate();

    const found = (await open())
      .map(
        alert => `${alert.target.type}:${alert.target.id}:${alert.params.kind}`,
      )
      .sort();
    expect(found).toEqual([
      'key:k1:new_model',
      'key:k1:off_hours',
      'key:k1:request_spike',
      'key:k1:spend_spike',
      'key:k1:token_spike',
      'key:k2:leaked_key',
      'project:support-bot:new_model',
      'project:support-bot:off_hours',
      'project:support-bot:request_spike',
      'project:support-bot:spend_spike',
      'project:support-bot:token_spike',
    ]);
    expect(changes.opened).toHaveLength(found.length);

    const spike = (await open()).find(
      alert =>
        alert.target.id === 'k1' && alert.params.kind === 'request_spike',
    )!;
    expect(spike).toMatchObject({
      severity: 'warning',
      ownerRef: 'group:default/team-a',
      target: { type: 'key', id: 'k1', name: 'k1 name' },
      params: {
        at: new Date(BURST_HOUR).toISOString(),
        value: 66,
        baseline: 5,
        currency: null,
        hours: 1,
      },
    });
    expect(Number(spike.params.score)).toBeGreaterThan(5);
    const series = JSON.parse(String(spike.params.series));
    const baselines = JSON.parse(String(spike.params.baselineSeries));
    expect(series).toHaveLength(24);
    expect(series[23]).toBe(66);
    // 02:00 had the night calls; 08:00 its usual five.
    expect(series[23 - 7]).toBe(25);
    expect(series[23 - 1]).toBe(5);
    expect(baselines[23]).toBe(5);
    expect(baselines[23 - 7]).toBe(0);

    const leaked = (await open()).find(
      alert => alert.params.kind === 'leaked_key',
    )!;
    expect(leaked).toMatchObject({
      severity: 'error',
      target: { type: 'key', id: 'k2' },
      params: {
        providerRequests: 40,
        value: 15_000,
        at: new Date(YESTERDAY).toISOString(),
      },
    });
    const newModel = (await open()).find(
      alert => alert.target.id === 'k1' && alert.params.kind === 'new_model',
    )!;
    expect(newModel.params).toMatchObject({
      model: 'gpt-5',
      knownModels: 'gpt-4o',
      value: 1,
    });
    const project = (await open()).find(
      alert => alert.target.type === 'project',
    )!;
    expect(project).toMatchObject({
      ownerRef: 'group:default/support',
      target: { name: 'Support bot' },
    });
    // Every opened alert was delivered once.
    expect(send).toHaveBeenCalled();
  });

  it('does not open the same alerts again while they hold, and resolves them once their day has left the window', async () => {
    const { evaluator, open, setNow } = await setup();
    await evaluator.evaluate();
    const first = (await open()).map(alert => alert.id).sort();

    setNow(NOW + HOUR);
    const again = await evaluator.evaluate();
    expect(again.opened).toEqual([]);
    expect((await open()).map(alert => alert.id).sort()).toEqual(first);

    // Two days on (no new calls): the hours left the window, the model is
    // known and the leaked day is past the provider window.
    setNow(NOW + 3 * DAY);
    const later = await evaluator.evaluate();
    expect(later.resolved).toHaveLength(first.length);
    // 4 December is over now, so its 7 unrecorded requests are judged.
    expect(
      later.opened.map(alert => [
        alert.target.id,
        alert.params.kind,
        alert.params.at,
      ]),
    ).toEqual([['k2', 'leaked_key', '2026-12-04T00:00:00.000Z']]);
    expect((await open()).map(alert => alert.id)).toEqual(
      later.opened.map(alert => alert.id),
    );
  });

  it('follows the rule: a key override without spikes keeps only the other kinds for that key', async () => {
    const { knex, evaluator, open } = await setup();
    await new DatabaseAlertRuleStore(knex).save(
      {
        type: 'anomaly',
        scope: 'key',
        scopeId: 'k1',
        enabled: true,
        severity: 'info',
        params: {
          minScore: 5,
          minRatio: 2.5,
          minRequests: 20,
          baselineWeeks: 4,
          spikes: false,
          newModels: true,
          offHours: false,
          leakedKeys: true,
        },
      },
      'user:default/root',
      NOW,
    );
    await evaluator.evaluate();
    const k1 = (await open()).filter(alert => alert.target.id === 'k1');
    expect(k1.map(alert => [alert.params.kind, alert.severity])).toEqual([
      ['new_model', 'info'],
    ]);
  });
});
