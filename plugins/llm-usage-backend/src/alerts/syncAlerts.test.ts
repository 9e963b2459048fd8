import { mockServices } from '@backstage/backend-test-utils';
import {
  ProviderAuthError,
  type LlmProvider,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { AccountService } from '../accounts/AccountService';
import { DEFAULT_SCHEDULE } from '../accounts/AccountStore';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { ProviderRegistry } from '../accounts/ProviderRegistry';
import { AuditLog } from '../audit/AuditLog';
import { DatabaseKeyStore } from '../keys/DatabaseKeyStore';
import { AlertDelivery } from '../notifications/AlertDelivery';
import { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import { ProviderLedger } from '../quota/ProviderLedger';
import { SecretBox } from '../secrets/SecretBox';
import { AccountSync } from '../sync/AccountSync';
import { DatabaseProviderDataStore } from '../sync/DatabaseProviderDataStore';
import { DatabaseSyncRunStore } from '../sync/DatabaseSyncRunStore';
import {
  createTestDatabases,
  migratedStores,
} from '../__testUtils__/databases';
import { AlertEvaluator } from './AlertEvaluator';
import { DatabaseAlertRuleStore } from './DatabaseAlertRuleStore';
import { DatabaseAlertStore } from './DatabaseAlertStore';
import { KeyFacts, accountReader } from './facts';

/*
 * The sync tells the alert evaluator about every run: a sync that fails
 * opens the account's "failed sync" alert and notifies its owner; the next
 * good sync resolves it.
 */

jest.setTimeout(60_000);

const databases = createTestDatabases();
const NOW = Date.UTC(2026, 10, 20, 12);

describe.each(databases.eachSupportedId())('alerts after a sync on %p', id => {
  it('opens a failed-sync alert when a sync fails and resolves it after a good one', async () => {
    const knex = await databases.init(id);
    await migratedStores(knex);
    const logger = mockServices.logger.mock();
    let healthy = false;
    const provider: LlmProvider = {
      id: 'flaky',
      displayName: 'Flaky AI',
      capabilities: ['balance'],
      currency: 'USD',
      credentialFields: [],
      createClient: () => ({
        testConnection: async () => undefined,
        fetchBalances: async () => {
          if (!healthy) throw new ProviderAuthError('Flaky AI refused the key');
          return [
            {
              currency: 'USD',
              available: '500',
              total: null,
              used: null,
              readAt: new Date(NOW).toISOString(),
            },
          ];
        },
      }),
    };
    const registry = new ProviderRegistry();
    registry.add(provider);
    const accountStore = new DatabaseAccountStore(knex);
    const data = new DatabaseProviderDataStore(knex);
    await accountStore.create(
      {
        id: 'flaky-1',
        provider: 'flaky',
        name: 'Flaky main',
        ownerRef: 'group:default/team-a',
        source: 'config',
        credentialsEncrypted: null,
        settings: {},
        schedule: DEFAULT_SCHEDULE,
      },
      NOW,
    );
    const noRules = { getRuleByName: () => undefined } as any;
    const accounts = new AccountService({
      store: accountStore,
      data,
      registry,
      secrets: new SecretBox(undefined),
      configCredentials: new Map([['flaky-1', {}]]),
      audit: new AuditLog(knex, mockServices.auditor.mock()),
      authorizer: new LlmUsageAuthorizer(mockServices.permissions.mock(), {
        keys: noRules,
        accounts: noRules,
      }),
      logger,
    });

    const alerts = new DatabaseAlertStore(knex);
    const send = jest.fn(async () => undefined);
    const evaluator = new AlertEvaluator({
      alerts,
      rules: new DatabaseAlertRuleStore(knex),
      keys: new KeyFacts(knex),
      accounts: accountReader(accountStore, new ProviderLedger(knex)),
      projectUsage: { monthUsage: async () => new Map() },
      projects: { entityOf: async () => undefined },
      delivery: new AlertDelivery({
        alerts,
        webhooks: { enqueue: async () => undefined },
        logger,
        notifications: { send },
      }),
      logger,
      clock: () => NOW,
    });
    const sync = new AccountSync({
      db: knex,
      accounts,
      accountStore,
      keys: new DatabaseKeyStore(knex),
      data,
      runs: new DatabaseSyncRunStore(knex),
      logger,
      onSynced: () => evaluator.evaluateSoon(),
      now: () => NOW,
    });
    const open = async () =>
      (
        await alerts.list(
          { userRef: 'user:default/root', isAdmin: true, ownershipRefs: [] },
          { state: 'open', limit: 10, type: 'key_error' },
        )
      ).items;

    // Refused credentials fail the request too (502); the run is recorded.
    await expect(sync.syncNow('flaky-1')).rejects.toThrow(
      "The provider refused the account's credentials: Flaky AI refused the key",
    );
    await evaluator.idle();
    expect(await open()).toEqual([
      expect.objectContaining({
        target: { type: 'account', id: 'flaky-1', name: 'Flaky main' },
        params: {
          reason: 'sync_failed',
          error: expect.stringContaining('Flaky AI refused the key'),
        },
        ownerRef: 'group:default/team-a',
      }),
    ]);
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: ['group:default/team-a'] },
      }),
    );

    healthy = true;
    expect((await sync.syncNow('flaky-1')).status).toBe('succeeded');
    await evaluator.idle();
    expect(await open()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
