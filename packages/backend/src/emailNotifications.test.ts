import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import notificationsEmailModule from '@backstage/plugin-notifications-backend-module-email';
import signalsPlugin from '@backstage/plugin-signals-backend';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import request from 'supertest';

jest.setTimeout(60_000);

const SINK = resolve(__dirname, '..', 'scripts', 'mail-sink.mjs');

/**
 * The local setup's notifications.processors.email, the sink started through
 * a wrapper that sets its log file (the processor passes no environment).
 */
async function emailConfig(log: string) {
  const wrapper = join(dirname(log), 'sendmail');
  await writeFile(
    wrapper,
    `#!/bin/sh\nLLM_USAGE_MAIL_LOG='${log}' exec '${SINK}' "$@"\n`,
  );
  await chmod(wrapper, 0o755);
  return {
    notifications: {
      processors: {
        email: {
          sender: 'llm-usage@example.com',
          transportConfig: {
            transport: 'sendmail',
            path: wrapper,
          },
          broadcastConfig: { receiver: 'none' },
        },
      },
    },
  };
}

async function waitForFile(path: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text) return text;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`nothing was logged to ${path}`);
}

describe('e-mail notifications through the local mail sink', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mail-sink-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('logs a notification to a user as the mail that would have been sent', async () => {
    const { server } = await startTestBackend({
      features: [
        notificationsPlugin,
        notificationsEmailModule,
        signalsPlugin,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            ...(await emailConfig(join(dir, 'mail.log'))),
          },
        }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'User',
              metadata: { name: 'jane', namespace: 'default' },
              spec: { profile: { email: 'jane@example.com' }, memberOf: [] },
            },
          ],
        }),
      ],
    });
    const { port } = server.address() as AddressInfo;

    const sent = await request(`http://localhost:${port}`)
      .post('/api/notifications/notifications')
      .set('Authorization', mockCredentials.service.header())
      .send({
        recipients: { type: 'entity', entityRef: 'user:default/jane' },
        payload: {
          title: 'LLM-Nutzung: API-Schlüssel läuft ab',
          description: 'Schlüssel „ci-bot“ läuft in 3 Tagen ab',
          link: '/llm-usage/keys',
          severity: 'high',
        },
      });
    expect(sent.status).toBe(200);

    const log = await waitForFile(join(dir, 'mail.log'));
    expect(log).toContain(
      'mail to jane@example.com: LLM-Nutzung: API-Schlüssel läuft ab',
    );
    expect(log).toMatch(/^From: llm-usage@example\.com$/m);
    // The body as the e-mail processor writes it (quoted-printable): the
    // description and the link into the app.
    const body = log.replace(/=\n/g, '');
    expect(body).toContain('http://localhost:3000/llm-usage/keys');
  });
});
