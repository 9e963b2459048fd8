import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseAuditEventStore } from './DatabaseAuditEventStore';
import { AuditLog, actionRecord } from './AuditLog';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('AuditLog on %p', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    const success = jest.fn();
    const auditor = mockServices.auditor.mock({
      createEvent: jest.fn(async () => ({ success, fail: jest.fn() })),
    });
    return {
      knex,
      auditor,
      success,
      log: new AuditLog(knex, auditor),
      store: new DatabaseAuditEventStore(knex),
    };
  }

  it('stores the event with its before and after and emits it to the auditor', async () => {
    const { log, store, auditor, success } = await setup();
    const id = await log.record({
      actor: mockCredentials.user('user:default/jane'),
      action: 'key.update',
      targetType: 'key',
      targetId: 'k1',
      before: { name: 'old' },
      after: { name: 'new' },
    });

    const { items, nextCursor } = await store.list({ limit: 10 });
    expect(nextCursor).toBeUndefined();
    expect(items).toEqual([
      {
        id,
        occurredAt: expect.any(String),
        actorRef: 'user:default/jane',
        action: 'key.update',
        targetType: 'key',
        targetId: 'k1',
        before: { name: 'old' },
        after: { name: 'new' },
      },
    ]);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'key-update',
        meta: expect.objectContaining({ auditEventId: id, targetId: 'k1' }),
      }),
    );
    expect(success).toHaveBeenCalledTimes(1);
  });

  it('pages newest first without gaps or repeats and filters', async () => {
    const { log, store, knex } = await setup();
    for (let i = 0; i < 7; i++) {
      await log.record({
        actor: i % 2 ? 'user:default/bob' : mockCredentials.service('gw'),
        action: i % 3 ? 'key.update' : 'key.disable',
        targetType: 'key',
        targetId: `k${i}`,
      });
    }
    // Same timestamp for all: the id breaks the tie.
    await knex('llm_usage_audit_events').update({ occurred_at: 1000 });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 3, cursor });
      seen.push(...page.items.map(item => item.targetId));
      cursor = page.nextCursor;
    } while (cursor);
    expect([...seen].sort()).toEqual([
      'k0',
      'k1',
      'k2',
      'k3',
      'k4',
      'k5',
      'k6',
    ]);

    const bob = await store.list({ limit: 10, actorRef: 'User:default/Bob' });
    expect(bob.items.map(item => item.targetId).sort()).toEqual([
      'k1',
      'k3',
      'k5',
    ]);
    const services = await store.list({ limit: 10, actorRef: 'service:gw' });
    expect(services.items).toHaveLength(4);
    const disabled = await store.list({ limit: 10, action: 'key.disable' });
    expect(disabled.items.map(item => item.targetId).sort()).toEqual([
      'k0',
      'k3',
      'k6',
    ]);
    const visible = await store.list({
      limit: 10,
      visibleTargets: [{ targetType: 'key', targetIds: ['k2', 'k4'] }],
    });
    expect(visible.items.map(item => item.targetId).sort()).toEqual([
      'k2',
      'k4',
    ]);
    expect(await store.list({ limit: 10, from: 2000 })).toEqual({ items: [] });
  });

  it('rejects a cursor it did not make', async () => {
    const { store } = await setup();
    await expect(store.list({ limit: 5, cursor: 'nope' })).rejects.toThrow(
      /cursor/,
    );
  });
});

describe('actionRecord', () => {
  it('takes the target type from the action, up to its first dot', () => {
    expect(
      actionRecord('user:default/ann', 'alert-rule.delete', 'rule-1', {
        before: { id: 'rule-1' },
      }),
    ).toEqual({
      actor: 'user:default/ann',
      action: 'alert-rule.delete',
      targetType: 'alert-rule',
      targetId: 'rule-1',
      before: { id: 'rule-1' },
    });
    expect(
      actionRecord('system:scheduler', 'digest.preferences.update', 'x')
        .targetType,
    ).toBe('digest');
  });
});
