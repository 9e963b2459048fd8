import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import { ProviderLedger } from '../quota/ProviderLedger';
import { ProjectDirectory } from '../visibility/ProjectDirectory';
import { DatabaseDigestPreferenceStore } from './DatabaseDigestPreferenceStore';
import { translatorFor } from '../i18n';
import {
  DigestService,
  digestPeriods,
  renderDigest,
  type SpendDigest,
} from './DigestService';

jest.setTimeout(60_000);

const databases = createTestDatabases();

// Wednesday 25 November 2026: the last full week is 16–22 November.
const NOW = Date.UTC(2026, 10, 25, 12);
const at = (day: number, month = 10) => Date.UTC(2026, month, day, 10);
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

function component(name: string, projectId: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'llm-usage.io/project-id': projectId },
    },
    spec: { type: 'service', owner, lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

describe('digestPeriods', () => {
  it('takes the last full ISO week and the last full month', () => {
    expect(digestPeriods('weekly', NOW)).toEqual({
      current: { start: Date.UTC(2026, 10, 16), end: Date.UTC(2026, 10, 23) },
      previous: { start: Date.UTC(2026, 10, 9), end: Date.UTC(2026, 10, 16) },
    });
    // On a Monday the week that just ended is the one reported.
    expect(
      digestPeriods('weekly', Date.UTC(2026, 10, 23, 0, 5)).current,
    ).toEqual({ start: Date.UTC(2026, 10, 16), end: Date.UTC(2026, 10, 23) });
    expect(digestPeriods('monthly', NOW)).toEqual({
      current: { start: Date.UTC(2026, 9, 1), end: Date.UTC(2026, 10, 1) },
      previous: { start: Date.UTC(2026, 8, 1), end: Date.UTC(2026, 9, 1) },
    });
  });
});

describe.each(databases.eachSupportedId())('DigestService on %p', id => {
  async function setup() {
    const knex = await databases.init(id);
    const { calls, queries } = await migratedStores(knex);
    await calls.ingest([
      makeCall({
        id: 'a1',
        occurredAt: at(17),
        projectId: 'alpha',
        costNanos: 3_000_000_000n,
      }),
      makeCall({
        id: 'a2',
        occurredAt: at(18),
        projectId: 'alpha',
        model: 'claude-sonnet-4',
        provider: 'anthropic',
        costNanos: 1_000_000_000n,
      }),
      makeCall({
        id: 'a0',
        occurredAt: at(10),
        projectId: 'alpha',
        costNanos: 2_000_000_000n,
      }),
      makeCall({
        id: 'b1',
        occurredAt: at(17),
        projectId: 'beta',
        userRef: 'user:default/bob',
        costNanos: 5_000_000_000n,
      }),
    ]);
    for (const [keyId, name, expiresAt] of [
      ['k1', 'support-bot prod', at(28)],
      ['k2', 'later key', at(30, 11)],
    ] as const) {
      await knex('llm_usage_keys').insert({
        id: keyId,
        account_id: 'acc',
        provider: 'openai',
        provider_key_id: keyId,
        name,
        status: 'active',
        owner_ref: TEAM_A,
        expires_at: expiresAt,
        source: 'provider',
        created_at: NOW,
        updated_at: NOW,
      });
    }
    const projects = new ProjectDirectory(
      catalogServiceMock({
        entities: [
          component('alpha-service', 'alpha', TEAM_A),
          component('beta-service', 'beta', TEAM_B),
        ],
      }),
      mockServices.auth(),
    );
    const preferences = new DatabaseDigestPreferenceStore(knex);
    const send = jest.fn().mockResolvedValue(undefined);
    const service = new DigestService(
      queries,
      projects,
      new ProviderLedger(knex),
      preferences,
      { send },
      mockServices.logger.mock(),
    );
    return { service, preferences, send };
  }

  it('sends each owner a weekly digest of spend, change, top projects and models, and expiring keys', async () => {
    const { service, send } = await setup();
    const result = await service.send('weekly', NOW);
    expect(result).toEqual({ sent: 2, skipped: 0, failed: 0 });
    expect(send).toHaveBeenCalledTimes(2);
    const toTeamA = send.mock.calls
      .map(([options]) => options)
      .find(options => options.recipients.entityRef === TEAM_A);
    expect(toTeamA.recipients).toEqual({ type: 'entity', entityRef: TEAM_A });
    expect(toTeamA.payload).toMatchObject({
      title: `Weekly LLM spend for ${TEAM_A}: $4.00`,
      link: '/llm-usage',
      topic: 'llm-usage-digest',
      severity: 'low',
    });
    expect(toTeamA.payload.description.split('\n')).toEqual([
      'Nov 16, 2026 to Nov 22, 2026: 2 calls, spend $4.00 (+100% vs the week before).',
      'Top projects: alpha $4.00.',
      'Top models: gpt-4o $3.00; claude-sonnet-4 $1.00.',
      'Keys expiring soon: support-bot prod (openai) on Nov 28, 2026.',
    ]);
    const toTeamB = send.mock.calls
      .map(([options]) => options)
      .find(options => options.recipients.entityRef === TEAM_B);
    expect(toTeamB.payload.description).toContain(
      '1 call, spend $5.00 (nothing the week before)',
    );
  });

  it('sends a period once, honours opt-outs and retries a failed send', async () => {
    const { service, preferences, send } = await setup();
    await preferences.set(TEAM_B, 'weekly', false, 'user:default/bob');
    send.mockRejectedValueOnce(new Error('notifications down'));
    expect(await service.send('weekly', NOW)).toEqual({
      sent: 0,
      skipped: 1,
      failed: 1,
    });
    expect(await service.send('weekly', NOW)).toEqual({
      sent: 1,
      skipped: 1,
      failed: 0,
    });
    expect(await service.send('weekly', NOW + 3_600_000)).toEqual({
      sent: 0,
      skipped: 2,
      failed: 0,
    });
    expect(send).toHaveBeenCalledTimes(2);
    expect(
      send.mock.calls.every(([o]) => o.recipients.entityRef === TEAM_A),
    ).toBe(true);
  });

  it('sends a monthly digest only where something happened', async () => {
    const { service, send } = await setup();
    // October had no calls; team A still hears of its expiring key.
    expect(await service.send('monthly', NOW)).toEqual({
      sent: 1,
      skipped: 1,
      failed: 0,
    });
    const [[options]] = send.mock.calls;
    expect(options.recipients.entityRef).toBe(TEAM_A);
    expect(options.payload.description).toContain('0 calls, no spend.');
    expect(options.payload.description).toContain('support-bot prod');
  });

  it('writes the digest in the owner’s language with formatted amounts', () => {
    const digest: SpendDigest = {
      ownerRef: 'user:default/alice',
      cadence: 'monthly',
      period: { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 11, 1) },
      calls: 1234,
      previousCalls: 1000,
      spend: [
        {
          currency: 'CNY',
          amount: '21.8448883',
          previous: '10',
          change: 1.18448883,
        },
      ],
      topProjects: [
        {
          name: 'alpha',
          calls: 1234,
          costs: [{ currency: 'CNY', amount: '21.8448883' }],
        },
      ],
      topModels: [],
      expiringKeys: [],
    };
    const chinese = renderDigest(digest, '/llm-usage', translatorFor('zh'));
    expect(chinese.title).toBe('user:default/alice 的每月 LLM 花费：¥21.84');
    expect(chinese.description.split('\n')).toEqual([
      '2026年11月1日 至 2026年11月30日：1,234 次调用，花费 ¥21.84（较前一月 +118.4%）。',
      '花费最多的项目：alpha ¥21.84。',
    ]);
    const german = renderDigest(digest, '/llm-usage', translatorFor('de'));
    expect(german.title).toBe(
      'Monatliche LLM-Kosten für user:default/alice: 21,84\u00a0CN¥',
    );
    expect(german.description.split('\n')).toEqual([
      '01.11.2026 bis 30.11.2026: 1.234 Aufrufe, Kosten 21,84\u00a0CN¥ (+118,4\u00a0% gegenüber dem Vormonat).',
      'Teuerste Projekte: alpha 21,84\u00a0CN¥.',
    ]);
    // The scope stays machine-readable.
    expect(german.scope).toBe(chinese.scope);
  });
});
