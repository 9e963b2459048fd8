import { mockServices } from '@backstage/backend-test-utils';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseAlertStore } from '../alerts/DatabaseAlertStore';
import type { AlertRecord } from '../alerts/types';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/databases';
import { translatorFor } from '../i18n';
import { WebhookDispatcher, webhookBody } from './WebhookDispatcher';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signWebhookBody,
  verifyWebhookSignature,
} from './webhookSignature';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const SECRET = 'whsec-test-0123456789';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** A real HTTP receiver that answers each request with the next status. */
async function startReceiver(statuses: number[], delayMs = 0) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      const status =
        statuses[Math.min(received.length - 1, statuses.length - 1)];
      setTimeout(() => res.writeHead(status).end('ok'), delayMs);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/llm?token=path-secret`,
    received,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

function alert(id: string): AlertRecord {
  return {
    id,
    type: 'low_balance',
    severity: 'warning',
    conditionKey: `low_balance:acc-1:USD:${id}`,
    target: { type: 'account', id: 'acc-1', name: 'Main OpenAI' },
    accountId: 'acc-1',
    ownerRef: 'group:default/team-a',
    params: { currency: 'USD', available: '4.5', threshold: '10' },
    firstSeenAt: Date.UTC(2026, 10, 20),
    lastSeenAt: Date.UTC(2026, 10, 20),
    resolvedAt: null,
  };
}

describe.each(databases.eachSupportedId())('WebhookDispatcher on %p', id => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map(close => close()));
  });

  async function setup(
    targets: Array<{ name: string; url: string }>,
    policy: Record<string, number> = {},
  ) {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    const store = new DatabaseAlertStore(knex);
    const logger = mockServices.logger.mock();
    const dispatcher = new WebhookDispatcher({
      targets: targets.map(t => ({ ...t, secret: SECRET })),
      log: store,
      logger,
      appBaseUrl: 'https://backstage.example.com',
      policy: { baseDelayMs: 50, maxDelayMs: 400, timeoutMs: 2000, ...policy },
    });
    closers.push(() => dispatcher.stop());
    return { store, dispatcher, logger };
  }

  it('retries with growing delays and signs every attempt of the same delivery', async () => {
    const receiver = await startReceiver([500, 503, 200]);
    closers.push(receiver.close);
    const { store, dispatcher, logger } = await setup([
      { name: 'ops-slack', url: receiver.url },
    ]);

    await dispatcher.enqueue(alert('a1'), 'opened');
    await dispatcher.idle();

    expect(receiver.received).toHaveLength(3);
    for (const request of receiver.received) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          body: request.body,
          signature: request.headers[SIGNATURE_HEADER] as string,
          timestamp: request.headers[TIMESTAMP_HEADER] as string,
        }),
      ).toBe(true);
    }
    const deliveryIds = new Set(
      receiver.received.map(r => r.headers[DELIVERY_HEADER]),
    );
    expect(deliveryIds.size).toBe(1);
    // Exponential backoff: 50 ms, then 100 ms.
    const gaps = receiver.received
      .slice(1)
      .map((r, i) => r.at - receiver.received[i].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);

    const body = JSON.parse(receiver.received[2].body);
    expect(body).toMatchObject({
      event: 'opened',
      text: expect.stringContaining(
        'Account "Main OpenAI" has a balance of $4.50, below $10.00',
      ),
      alert: {
        id: 'a1',
        type: 'low_balance',
        severity: 'warning',
        url: 'https://backstage.example.com/llm-usage/alerts?alert=a1',
      },
    });
    expect(await store.deliveriesOf('a1')).toEqual([
      expect.objectContaining({
        channel: 'webhook',
        destination: 'ops-slack',
        status: 'delivered',
        attempts: 3,
        lastStatusCode: 200,
      }),
    ]);
    // Neither the secret nor the URL (with its token) is logged.
    const logged = JSON.stringify([
      (logger.warn as jest.Mock).mock.calls,
      (logger.info as jest.Mock).mock.calls,
    ]);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain('path-secret');
  });

  it('gives up at once on a client error and after the last attempt on server errors', async () => {
    const rejecting = await startReceiver([400]);
    const broken = await startReceiver([500]);
    closers.push(rejecting.close, broken.close);
    const { store, dispatcher } = await setup(
      [
        { name: 'rejecting', url: rejecting.url },
        { name: 'broken', url: broken.url },
      ],
      { maxAttempts: 3 },
    );

    await dispatcher.enqueue(alert('a2'), 'resolved');
    await dispatcher.idle();

    expect(rejecting.received).toHaveLength(1);
    expect(broken.received).toHaveLength(3);
    const deliveries = await store.deliveriesOf('a2');
    expect(
      deliveries.map(d => [
        d.destination,
        d.status,
        d.attempts,
        d.lastStatusCode,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['rejecting', 'failed', 1, 400],
        ['broken', 'failed', 3, 500],
      ]),
    );
  });

  it('never lets a failing webhook hold up the caller or another webhook', async () => {
    const healthy = await startReceiver([200]);
    const failing = await startReceiver([500]);
    closers.push(healthy.close, failing.close);
    const { dispatcher } = await setup(
      [
        { name: 'failing', url: failing.url },
        { name: 'unreachable', url: 'http://127.0.0.1:9/hook' },
        { name: 'healthy', url: healthy.url },
      ],
      // Retries far slower than everything asserted below.
      { maxAttempts: 5, baseDelayMs: 5000, maxDelayMs: 5000 },
    );

    const started = Date.now();
    await dispatcher.enqueue(alert('a3'), 'opened');
    await dispatcher.enqueue(alert('a4'), 'opened');
    expect(Date.now() - started).toBeLessThan(4000);

    // Both events reach the healthy receiver while the others still retry.
    const deadline = Date.now() + 4500;
    while (healthy.received.length < 2 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    expect(healthy.received.map(r => JSON.parse(r.body).alert.id)).toEqual([
      'a3',
      'a4',
    ]);
    // The failing receiver saw only first attempts: its retries wait.
    expect(failing.received.length).toBeLessThanOrEqual(2);
  });

  it('drops events beyond a full queue and records them as dropped', async () => {
    const slow = await startReceiver([200], 300);
    closers.push(slow.close);
    const { store, dispatcher } = await setup(
      [{ name: 'slow', url: slow.url }],
      { queueSize: 1 },
    );

    // The first is being sent, the second waits, the third finds no room.
    await dispatcher.enqueue(alert('q1'), 'opened');
    await dispatcher.enqueue(alert('q2'), 'opened');
    await dispatcher.enqueue(alert('q3'), 'opened');
    await dispatcher.idle();

    expect(slow.received.map(r => JSON.parse(r.body).alert.id)).toEqual([
      'q1',
      'q2',
    ]);
    expect((await store.deliveriesOf('q3'))[0]).toMatchObject({
      status: 'dropped',
      attempts: 0,
    });
  });
});

describe('webhook summaries', () => {
  const BASE = 'https://backstage.example.com';

  it('writes the text in the webhook’s language and keeps the payload raw', () => {
    const english = webhookBody(alert('a1'), 'opened', BASE);
    expect(english.text).toBe(
      '[WARNING] Account "Main OpenAI" has a balance of $4.50, below $10.00 ' +
        `<${BASE}/llm-usage/alerts?alert=a1|Open in Backstage>`,
    );
    const russian = webhookBody(
      alert('a1'),
      'resolved',
      BASE,
      translatorFor('ru'),
    );
    expect(russian.text).toBe(
      '[Решено] Аккаунт «Main OpenAI»: баланс 4,50\u00a0$, ниже порога 10,00\u00a0$ ' +
        `<${BASE}/llm-usage/alerts?alert=a1|Открыть в Backstage>`,
    );
    // Machines read the same raw params whatever the language.
    expect(russian.alert).toEqual(english.alert);
    expect(russian.alert.params).toEqual({
      currency: 'USD',
      available: '4.5',
      threshold: '10',
    });
  });
});

describe('webhook signatures', () => {
  const body = '{"text":"hello"}';
  const now = 1_800_000_000;
  const signature = signWebhookBody(SECRET, now, body);

  it('verifies the signature a receiver recomputes', () => {
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body,
        signature,
        timestamp: String(now),
        nowSeconds: now + 10,
      }),
    ).toBe(true);
  });

  it('rejects another secret, a changed body and an old timestamp', () => {
    const check = (overrides: Record<string, unknown>) =>
      verifyWebhookSignature({
        secret: SECRET,
        body,
        signature,
        timestamp: String(now),
        nowSeconds: now,
        ...overrides,
      });
    expect(check({ secret: 'other' })).toBe(false);
    expect(check({ body: '{"text":"hellO"}' })).toBe(false);
    expect(check({ nowSeconds: now + 3600 })).toBe(false);
    expect(check({ signature: undefined })).toBe(false);
  });
});
