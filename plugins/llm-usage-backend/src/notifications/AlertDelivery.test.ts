import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseAlertStore } from '../alerts/DatabaseAlertStore';
import type { AlertRecord } from '../alerts/types';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/databases';
import { ConfigReader } from '@backstage/config';
import { DatabaseLanguagePreferenceStore } from '../i18n/DatabaseLanguagePreferenceStore';
import { RecipientLanguages } from '../i18n/RecipientLanguages';
import { AlertDelivery } from './AlertDelivery';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function alert(id: string, ownerRef: string | null): AlertRecord {
  return {
    id,
    type: 'key_error',
    severity: 'error',
    conditionKey: `key_error:key:${id}:error`,
    target: { type: 'key', id, name: `key ${id}` },
    accountId: 'acc-1',
    ownerRef,
    params: { reason: 'error', error: 'invalid_api_key' },
    firstSeenAt: Date.UTC(2026, 10, 20),
    lastSeenAt: Date.UTC(2026, 10, 20),
    resolvedAt: null,
  };
}

describe.each(databases.eachSupportedId())('AlertDelivery on %p', id => {
  async function setup(send: jest.Mock, defaultLanguage?: string) {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    const alerts = new DatabaseAlertStore(knex);
    const enqueue = jest.fn(async () => undefined);
    const languagePreferences = new DatabaseLanguagePreferenceStore(knex);
    const delivery = new AlertDelivery({
      alerts,
      webhooks: { enqueue },
      logger: mockServices.logger.mock(),
      notifications: { send },
      fallbackRecipients: ['group:default/platform'],
      languages: RecipientLanguages.fromConfig(
        new ConfigReader({
          llmUsage: { locale: { default: defaultLanguage } },
        }),
        languagePreferences,
      ),
    });
    return { alerts, enqueue, delivery, languagePreferences };
  }

  it('notifies the owner with a high-severity notification scoped to the condition', async () => {
    const send = jest.fn(async () => undefined);
    const { alerts, delivery } = await setup(send);
    await delivery.deliver({
      opened: [alert('k1', 'group:default/team-a')],
      resolved: [],
    });
    expect(send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: ['group:default/team-a'] },
      payload: {
        title: 'LLM Usage: Key or account in error',
        description:
          'Key "key k1" is in error at the provider: invalid_api_key',
        link: '/llm-usage/alerts?alert=k1',
        severity: 'high',
        topic: 'LLM Usage alerts',
        scope: 'llm-usage-alert:key_error:key:k1:error',
      },
    });
    expect(await alerts.deliveriesOf('k1')).toEqual([
      expect.objectContaining({
        channel: 'notification',
        destination: 'group:default/team-a',
        status: 'delivered',
      }),
    ]);
  });

  it('keeps delivering when the notifications backend fails, and records the failure', async () => {
    const send = jest
      .fn()
      .mockRejectedValueOnce(new Error('notifications backend down'))
      .mockResolvedValue(undefined);
    const { alerts, enqueue, delivery } = await setup(send);
    const resolved = { ...alert('k3', null), resolvedAt: Date.now() };
    await delivery.deliver({
      opened: [alert('k1', 'user:default/alice'), alert('k2', null)],
      resolved: [resolved],
    });

    expect(send).toHaveBeenCalledTimes(2);
    // No owner: the admins are told.
    expect(send).toHaveBeenLastCalledWith(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: ['group:default/platform'] },
      }),
    );
    expect((await alerts.deliveriesOf('k1'))[0]).toMatchObject({
      status: 'failed',
      lastError: 'notifications backend down',
    });
    expect((await alerts.deliveriesOf('k2'))[0]).toMatchObject({
      status: 'delivered',
    });
    expect(
      enqueue.mock.calls.map(([a, event]: any[]) => [a.id, event]),
    ).toEqual([
      ['k1', 'opened'],
      ['k2', 'opened'],
      ['k3', 'resolved'],
    ]);
  });

  it('writes to a user in the language they chose and to a group in the default', async () => {
    const send = jest.fn(async () => undefined);
    const { delivery, languagePreferences } = await setup(send, 'ja');
    await languagePreferences.set('user:default/alice', 'de');
    await languagePreferences.set('user:default/alice', 'fr');
    const lowBalance = (alertId: string, ownerRef: string): AlertRecord => ({
      ...alert(alertId, ownerRef),
      type: 'low_balance',
      severity: 'warning',
      target: { type: 'account', id: 'acc-1', name: 'Main' },
      params: {
        currency: 'CNY',
        available: '21.8448883',
        threshold: '100',
      },
    });
    await delivery.deliver({
      opened: [
        lowBalance('a1', 'user:default/alice'),
        lowBalance('a2', 'group:default/team-a'),
      ],
      resolved: [],
    });
    const payloads = send.mock.calls.map(([options]: any[]) => options.payload);
    // The user's latest choice, French; amounts formatted, never raw floats.
    expect(payloads[0]).toMatchObject({
      title: 'Utilisation des LLM : Solde bas',
      description:
        'Compte « Main » a un solde de 21,84\u00a0CNY, sous 100,00\u00a0CNY',
    });
    // A group reads the configured default, Japanese.
    expect(payloads[1]).toMatchObject({
      title: 'LLM 利用状況：残高不足',
      description:
        'アカウント「Main」の残高は 元\u00a021.84 で、元\u00a0100.00 を下回っています',
    });
  });
});
