import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { LLM_USAGE_SIGNAL_CHANNEL } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { ALERT_NOTIFICATION_TOPIC } from '../notifications/AlertDelivery';
import {
  type Replica,
  SIGNALS_USER,
  SignalsConnection,
  startReplica,
} from './__testUtils__/replicaBackend';

/*
 * Two replicas on one PostgreSQL database with the real events backend: a
 * live update (calls ingested) and a notification raised on replica A reach
 * a user whose signals connection is on replica B. B hears of them only
 * through the events backend's bus in the database: the two share no memory.
 * A third replica without the events backend, as the app ran before, hears
 * of neither.
 */

jest.setTimeout(120_000);

// The bus is PostgreSQL's (LISTEN/NOTIFY); on SQLite the events backend
// keeps events in memory, one replica's only.
if (!process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) {
  throw new Error(
    'eventsAcrossReplicas needs PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (CI does)',
  );
}
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

const PROJECT = 'alpha';
const DELIVERY_TIMEOUT_MS = 15_000;

describe('signals and notifications across two replicas on one PostgreSQL', () => {
  let knex: Knex;
  let replicaA: Replica;
  let replicaB: Replica;
  let withoutBus: Replica;
  let onA: SignalsConnection;
  let onB: SignalsConnection;
  let onWithoutBus: SignalsConnection;

  /** The signals backends' subscriptions to the bus, one per replica. */
  const busSubscribers = async () =>
    (
      await knex
        .withSchema('events')
        .from('event_bus_subscriptions')
        .where('id', 'like', 'signals.%')
        .select('id')
    ).map(row => row.id as string);

  beforeAll(async () => {
    knex = await databases.init('POSTGRES_15');
    const connection = knex.client.config.connection;
    replicaA = await startReplica({ connection });
    replicaB = await startReplica({ connection });
    withoutBus = await startReplica({ connection, withoutEventsBackend: true });
    const channels = [LLM_USAGE_SIGNAL_CHANNEL, 'notifications'];
    onA = await SignalsConnection.open(replicaA.baseUrl, channels);
    onB = await SignalsConnection.open(replicaB.baseUrl, channels);
    onWithoutBus = await SignalsConnection.open(withoutBus.baseUrl, channels);

    // Each connection's subscription is in place once a signal of its own
    // replica reaches it (the signals protocol does not acknowledge).
    for (const [replica, userConnection] of [
      [replicaA, onA],
      [replicaB, onB],
      [withoutBus, onWithoutBus],
    ] as const) {
      const probe = `probe-${replica.baseUrl}`;
      await replica.signals.publish({
        recipients: { type: 'user', entityRef: SIGNALS_USER },
        channel: LLM_USAGE_SIGNAL_CHANNEL,
        message: { probe },
      });
      await userConnection.next(s => s.message.probe === probe, 5_000);
    }
    // Both signals backends subscribed to the bus (the events backend only
    // stores an event if someone not yet told of it is subscribed).
    for (let waited = 0; (await busSubscribers()).length < 2; waited += 100) {
      if (waited > DELIVERY_TIMEOUT_MS) {
        throw new Error(
          `Signals backends subscribed to the bus: ${await busSubscribers()}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    onA?.close();
    onB?.close();
    onWithoutBus?.close();
    await Promise.all([replicaA?.stop(), replicaB?.stop(), withoutBus?.stop()]);
  });

  it('tells a user on replica B of calls ingested on replica A', async () => {
    const ingested = await fetch(`${replicaA.baseUrl}/api/llm-usage/calls`, {
      method: 'POST',
      headers: {
        authorization: mockCredentials.service.header(),
        'content-type': 'application/json',
      },
      body: JSON.stringify([
        {
          id: 'across-replicas-1',
          timestamp: new Date().toISOString(),
          userRef: SIGNALS_USER,
          projectId: PROJECT,
          provider: 'openai',
          model: 'gpt-4o',
        },
      ]),
    });
    expect(ingested.status).toBe(200);
    expect(await ingested.json()).toMatchObject({ inserted: 1 });

    const isCalls = (signal: { channel: string; message: any }) =>
      signal.channel === LLM_USAGE_SIGNAL_CHANNEL &&
      signal.message.type === 'calls';
    const onOther = await onB.next(isCalls, DELIVERY_TIMEOUT_MS);
    expect(onOther.message).toEqual({ type: 'calls', projectIds: [PROJECT] });
    // The replica that stored the calls tells its own users too.
    await onA.next(isCalls, DELIVERY_TIMEOUT_MS);
    // Without the events backend a replica hears only its own signals.
    expect(onWithoutBus.received.filter(isCalls)).toEqual([]);

    // B heard of it through the bus: the event is stored there, marked as
    // already delivered to one signals backend (A's, locally), not the other.
    const stored = await knex
      .withSchema('events')
      .from('event_bus_events')
      .where('topic', 'signals')
      .select('data_json', 'notified_subscribers');
    const callsEvent = stored.find(
      row => JSON.parse(row.data_json).payload.message?.type === 'calls',
    );
    expect(callsEvent).toBeDefined();
    const subscribers = await busSubscribers();
    expect(callsEvent.notified_subscribers).toHaveLength(1);
    expect(subscribers).toContain(callsEvent.notified_subscribers[0]);
    expect(subscribers).toHaveLength(2);
  });

  it('tells a user on replica B of a notification sent on replica A', async () => {
    // As the plugin's alert delivery sends one, with A's notification service.
    await replicaA.notifications.send({
      recipients: { type: 'entity', entityRef: SIGNALS_USER },
      payload: {
        title: 'Budget alpha is over its limit',
        topic: ALERT_NOTIFICATION_TOPIC,
        severity: 'high',
      },
    });

    const onOther = await onB.next(
      signal =>
        signal.channel === 'notifications' &&
        signal.message.action === 'new_notification',
      DELIVERY_TIMEOUT_MS,
    );
    const id = onOther.message.notification_id;
    expect(id).toEqual(expect.any(String));
    expect(
      onWithoutBus.received.filter(
        signal => signal.channel === 'notifications',
      ),
    ).toEqual([]);

    // Replica B serves it from the shared database, as its bell would ask.
    const listed = await fetch(
      `${replicaB.baseUrl}/api/notifications/notifications`,
      { headers: { authorization: mockCredentials.user.header() } },
    );
    expect(listed.status).toBe(200);
    const { notifications } = await listed.json();
    expect(notifications).toEqual([
      expect.objectContaining({
        id,
        user: SIGNALS_USER,
        payload: expect.objectContaining({
          title: 'Budget alpha is over its limit',
        }),
      }),
    ]);
  });
});
