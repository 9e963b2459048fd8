import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  binaryBody,
  headerOf,
  readCsvExport,
  readXlsxExport,
} from '../__testUtils__/exports';
import {
  ADMIN,
  NOBODY,
  OWNER as ALICE,
  startProviderTestBackend,
} from '../__testUtils__/providerBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'key export in the plugin on %p',
  databaseId => {
    async function start(config: Record<string, unknown> = {}) {
      const { server, as } = await startProviderTestBackend(
        await databases.init(databaseId),
        config,
      );
      await request(server)
        .post('/api/llm-usage/accounts')
        .set('Authorization', as(ADMIN))
        .send({
          id: 'fake-1',
          provider: 'fake',
          name: 'Fake',
          credentials: { apiKey: 'not-a-secret' },
        })
        .expect(201);
      const ids: Record<string, string> = {};
      for (const [name, ownerRef] of [
        ['=cmd|" /C calc"!A0', 'group:default/team-a'],
        ['team b key', 'group:default/team-b'],
      ]) {
        const response = await request(server)
          .post('/api/llm-usage/keys')
          .set('Authorization', as(ADMIN))
          .send({ accountId: 'fake-1', name, ownerRef, maskedHint: '…1234' })
          .expect(201);
        ids[ownerRef] = response.body.id;
      }
      return { server, as, ids };
    }

    const exported = async (server: any, auth: string, query = '') => {
      const response = await request(server)
        .get(`/api/llm-usage/keys/export${query}`)
        .set('Authorization', auth);
      return {
        status: response.status,
        rows: response.status === 200 ? readCsvExport(response.text) : [],
      };
    };

    it('exports what each caller may read, escaped, and refuses the rest', async () => {
      const { server, as, ids } = await start();

      const admin = await exported(server, as(ADMIN), '?sort=name');
      expect(admin.status).toBe(200);
      const nameColumn = admin.rows[0].indexOf(headerOf('keyName'));
      expect(admin.rows.slice(1).map(r => r[nameColumn])).toEqual([
        `'=cmd|" /C calc"!A0`,
        'team b key',
      ]);

      // A team member gets their team's key only, even when naming others.
      const alice = await exported(
        server,
        as(ALICE),
        `?ids=${ids['group:default/team-a']},${ids['group:default/team-b']}`,
      );
      expect(alice.status).toBe(200);
      expect(alice.rows.slice(1).map(r => r[0])).toEqual([
        ids['group:default/team-a'],
      ]);

      expect((await exported(server, as(NOBODY))).status).toBe(403);
    });

    it("heads the key and activity exports in the reader's language", async () => {
      // Configured default Russian; the admin chose Japanese in the app.
      const { server, as } = await start({ locale: { default: 'ru' } });
      await request(server)
        .put('/api/llm-usage/preferences/language')
        .set('Authorization', as(ADMIN))
        .send({ language: 'ja' })
        .expect(200);

      const admin = await exported(server, as(ADMIN), '?sort=name');
      expect(admin.rows[0].slice(0, 5)).toEqual([
        'キー ID',
        'プロバイダー',
        'アカウント ID',
        'アカウント',
        'キー名',
      ]);
      // Values stay as the API sends them.
      expect(admin.rows[2][admin.rows[0].indexOf('ステータス')]).toBe('active');

      const alice = await exported(server, as(ALICE));
      expect(alice.rows[0].slice(0, 5)).toEqual([
        'ID ключа',
        'Провайдер',
        'ID аккаунта',
        'Аккаунт',
        'Имя ключа',
      ]);

      const activity = await readXlsxExport(
        (
          await binaryBody(
            request(server)
              .get('/api/llm-usage/audit-events/export?format=xlsx')
              .set('Authorization', as(ADMIN)),
          )
        ).body,
      );
      expect(activity[0]).toEqual([
        '日時',
        '実行者',
        '操作',
        '対象の種類',
        '対象',
        '変更前（JSON）',
        '変更後（JSON）',
        'イベント ID',
      ]);
      expect(activity.slice(1).map(row => row[2])).toContain('keys.export');
      const aliceActivity = readCsvExport(
        (
          await request(server)
            .get('/api/llm-usage/audit-events/export')
            .set('Authorization', as(ALICE))
        ).text,
      );
      expect(aliceActivity[0][0]).toBe('Время');
    });

    it('serves a readable key its usage history, and no one else', async () => {
      const { server, as, ids } = await start();
      const path = `/api/llm-usage/keys/${ids['group:default/team-a']}/usage?from=2026-01-01&to=2026-01-08`;
      const own = await request(server)
        .get(path)
        .set('Authorization', as(ALICE));
      expect(own.status).toBe(200);
      // Registered by hand without a provider id: nothing reported.
      expect(own.body.days).toEqual([]);
      const other = await request(server)
        .get(
          `/api/llm-usage/keys/${ids['group:default/team-b']}/usage?from=2026-01-01&to=2026-01-08`,
        )
        .set('Authorization', as(ALICE));
      // A key the caller may not read is not found, like an unknown one.
      expect(other.status).toBe(404);
    });
  },
);
