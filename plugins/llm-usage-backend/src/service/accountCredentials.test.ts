import llmUsageModuleOpenRouter from '@llm-usage/backstage-plugin-llm-usage-backend-module-openrouter';
import type { Knex } from 'knex';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  startProviderTestBackend,
} from '../__testUtils__/providerBackend';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { DEVELOPMENT_ENCRYPTION_KEY, SecretBox } from '../secrets/SecretBox';

/*
 * Where an account's credentials may go, and what a caller sees when a
 * provider refuses them, through the HTTP API with the real OpenRouter
 * module and its HTTP answered by msw. Every request leaving the backend is
 * recorded, so a test can show that none reached a host it must not.
 */

jest.setTimeout(120_000);

const SECRET = 'sk-or-v1-THIS-IS-THE-SECRET-management-key';
const NEW_SECRET = 'sk-or-v1-THE-RE-ENTERED-SECRET';
const OPENROUTER = 'https://openrouter.ai/api/v1';
const COLLECTOR = 'https://collector.evil.test';
const PROXY = 'https://llm-proxy.corp.test/openrouter';
const ENCRYPTION_KEY = 'k'.repeat(64);

const outbound: Request[] = [];
const server = setupServer();
server.events.on('request:start', ({ request: sent }) => {
  if (!['127.0.0.1', 'localhost'].includes(new URL(sent.url).hostname)) {
    outbound.push(sent.clone());
  }
});
beforeAll(() =>
  server.listen({
    // supertest talks to the test backend on 127.0.0.1; anything else must
    // be answered by a handler below.
    onUnhandledRequest(sent, print) {
      if (!['127.0.0.1', 'localhost'].includes(new URL(sent.url).hostname)) {
        print.error();
      }
    },
  }),
);
afterEach(() => {
  server.resetHandlers();
  outbound.length = 0;
});
afterAll(() => server.close());

/** Whatever reaches the collector is answered, as an attacker's host would. */
const collector = http.all(`${COLLECTOR}/*`, () =>
  HttpResponse.json({ data: [] }),
);

/** OpenRouter's answer to a key it does not accept, on every route. */
const openRouterRefuses = (status: 401 | 403) =>
  http.all(`${OPENROUTER}/*`, () =>
    HttpResponse.json(
      { error: { code: status, message: 'No auth credentials found' } },
      { status },
    ),
  );

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'account credentials on %p',
  databaseId => {
    async function start(llmUsageConfig: Record<string, unknown> = {}) {
      const knex = await databases.init(databaseId);
      const backend = await startProviderTestBackend(
        knex,
        {
          providers: { openrouter: { allowedBaseUrls: [PROXY] } },
          accounts: [
            // From app-config, without the credential it needs.
            { id: 'cfg-empty', provider: 'openrouter', credentials: {} },
          ],
          ...llmUsageConfig,
        },
        [llmUsageModuleOpenRouter],
      );
      const api = (
        method: 'get' | 'post' | 'patch',
        path: string,
        body?: object,
      ) => {
        const call = request(backend.server)
          [method](`/api/llm-usage${path}`)
          .set('Authorization', backend.as(ADMIN));
        return body ? call.send(body) : call;
      };
      const createAccount = (id: string, settings?: Record<string, string>) =>
        api('post', '/accounts', {
          id,
          provider: 'openrouter',
          name: id,
          credentials: { managementKey: SECRET },
          ...(settings ? { settings } : {}),
        });
      return { knex, api, createAccount };
    }

    const storedCredentials = async (knex: Knex, id: string) =>
      new SecretBox(SecretBox.keyFrom(ENCRYPTION_KEY)).decryptJson(
        (await knex('llm_usage_accounts').where({ id }).first())
          .credentials_encrypted,
      );

    it.each([
      [`${COLLECTOR}/api/v1`],
      ['http://openrouter.ai/api/v1'],
      ['file:///etc/passwd'],
      ['https://169.254.169.254/latest/meta-data'],
      ['https://127.0.0.1:7007/api/v1'],
    ])(
      'refuses baseUrl %s from the API with a 400 naming it',
      async baseUrl => {
        server.use(collector);
        const { api, createAccount } = await start();

        const created = await createAccount('acc', { baseUrl });
        expect(created.status).toBe(400);
        expect(created.body.error.message).toMatch(
          /^Invalid field 'settings\.baseUrl'/,
        );
        expect((await api('get', '/accounts/acc')).status).toBe(404);

        expect((await createAccount('acc')).status).toBe(201);
        const patched = await api('patch', '/accounts/acc', {
          settings: { baseUrl },
          credentials: { managementKey: SECRET },
        });
        expect(patched.status).toBe(400);
        expect(patched.body.error.message).toMatch(/'settings\.baseUrl'/);
        expect(outbound).toEqual([]);
      },
    );

    it('sends nothing from an account whose stored baseUrl points elsewhere (the old hole)', async () => {
      server.use(collector);
      const { knex, api, createAccount } = await start();
      expect((await createAccount('acc')).status).toBe(201);
      // As an update before this check could store it.
      await new DatabaseAccountStore(knex).update('acc', {
        settings: { baseUrl: `${COLLECTOR}/api/v1` },
      });

      const answers = [
        await api('post', '/accounts/acc/test'),
        await api('post', '/accounts/acc/sync'),
        await api('post', '/keys/provider', { accountId: 'acc', name: 'k' }),
      ];

      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(answer.body.error.message).toMatch(/'settings\.baseUrl'/);
        expect(answer.text).not.toContain(SECRET);
      }
      expect(outbound.map(sent => sent.url)).toEqual([]);
    });

    it('asks for the credentials again when baseUrl changes, and stores only the new ones', async () => {
      const { knex, api, createAccount } = await start();
      expect((await createAccount('acc', { workspaceId: 'ws-1' })).status).toBe(
        201,
      );

      // An allowed proxy, but the stored key was given for openrouter.ai.
      const keepKey = await api('patch', '/accounts/acc', {
        settings: { baseUrl: `${PROXY}/api/v1` },
      });
      expect(keepKey.status).toBe(400);
      expect(keepKey.body.error.message).toMatch(
        /^Invalid field 'credentials\.managementKey': changing settings\.baseUrl/,
      );
      expect(await storedCredentials(knex, 'acc')).toEqual({
        managementKey: SECRET,
      });

      const moved = await api('patch', '/accounts/acc', {
        settings: { baseUrl: `${PROXY}/api/v1` },
        credentials: { managementKey: NEW_SECRET },
      });
      expect(moved.status).toBe(200);
      expect(moved.body.settings).toEqual({ baseUrl: `${PROXY}/api/v1` });
      expect(await storedCredentials(knex, 'acc')).toEqual({
        managementKey: NEW_SECRET,
      });

      // Settings that do not move the credentials need no secret.
      const renamed = await api('patch', '/accounts/acc', {
        name: 'Renamed',
        settings: { baseUrl: `${PROXY}/api/v1`, workspaceId: 'ws-2' },
      });
      expect(renamed.status).toBe(200);
      // Back to the provider's default is a move too.
      expect(
        (await api('patch', '/accounts/acc', { settings: {} })).status,
      ).toBe(400);
    });

    it.each([401, 403] as const)(
      'answers a provider %s with a 502 that says the credentials were refused',
      async status => {
        server.use(openRouterRefuses(status));
        const { api, createAccount } = await start();
        expect((await createAccount('acc')).status).toBe(201);

        const answers = {
          test: await api('post', '/accounts/acc/test'),
          sync: await api('post', '/accounts/acc/sync'),
          create: await api('post', '/keys/provider', {
            accountId: 'acc',
            name: 'New key',
          }),
        };

        for (const answer of Object.values(answers)) {
          expect(answer.status).toBe(502);
          expect(answer.body.error.message).toMatch(
            new RegExp(
              `^The provider refused the account's credentials: OpenRouter rejected the account's credentials \\(${status} from`,
            ),
          );
          expect(answer.body.error.message).toContain(
            'No auth credentials found',
          );
          expect(answer.text).not.toContain(SECRET);
        }
        // The refused sync is still in the history, and on the account.
        const account = await api('get', '/accounts/acc');
        expect(account.body.status).toBe('error');
        expect(account.body.lastError).toMatch(
          /rejected the account's credentials/,
        );
        expect(outbound.length).toBeGreaterThan(0);
        expect(
          outbound.every(sent => sent.url.startsWith(`${OPENROUTER}/`)),
        ).toBe(true);
      },
    );

    it('answers missing credentials with a 400 naming the field, before any request', async () => {
      const { api } = await start();

      for (const path of [
        '/accounts/cfg-empty/test',
        '/accounts/cfg-empty/sync',
      ]) {
        const answer = await api('post', path);
        expect(answer.status).toBe(400);
        expect(answer.body.error.message).toMatch(
          /^Invalid field 'credentials\.managementKey': account 'cfg-empty' has no Management \(provisioning\) key; set it in app-config/,
        );
      }
      expect(outbound).toEqual([]);
    });

    it('re-encrypts stored credentials with a new key when the backend starts', async () => {
      const { knex, createAccount } = await start();
      expect((await createAccount('acc')).status).toBe(201);
      const NEXT_KEY = Buffer.alloc(32, 5).toString('base64');

      const restarted = await startProviderTestBackend(
        knex,
        {
          secrets: {
            encryptionKey: NEXT_KEY,
            previousEncryptionKeys: [ENCRYPTION_KEY],
          },
        },
        [llmUsageModuleOpenRouter],
      );

      const row = await knex('llm_usage_accounts').where({ id: 'acc' }).first();
      expect(
        new SecretBox(SecretBox.keyFrom(NEXT_KEY)).decryptJson(
          row.credentials_encrypted,
        ),
      ).toEqual({ managementKey: SECRET });
      expect(() =>
        new SecretBox(SecretBox.keyFrom(ENCRYPTION_KEY)).decrypt(
          row.credentials_encrypted,
        ),
      ).toThrow();
      const account = await request(restarted.server)
        .get('/api/llm-usage/accounts/acc')
        .set('Authorization', restarted.as(ADMIN));
      expect(account.body.credentialsSet).toEqual(['managementKey']);
    });

    it('refuses to start in production with the development key or none', async () => {
      const knex = await databases.init(databaseId);
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        await expect(
          startProviderTestBackend(knex, {
            secrets: { encryptionKey: DEVELOPMENT_ENCRYPTION_KEY },
          }),
        ).rejects.toThrow(
          /llmUsage\.secrets\.encryptionKey \(LLM_USAGE_ENCRYPTION_KEY\) is the development key/,
        );
        await expect(
          startProviderTestBackend(knex, { secrets: {} }),
        ).rejects.toThrow(/LLM_USAGE_ENCRYPTION_KEY\) is not set/);
      } finally {
        process.env.NODE_ENV = nodeEnv;
      }
    });
  },
);
