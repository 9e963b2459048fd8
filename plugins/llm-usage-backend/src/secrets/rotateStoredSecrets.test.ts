import { ConfigReader } from '@backstage/config';
import { captureLogger } from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import { createTestDatabases } from '../__testUtils__/databases';
import { DEFAULT_SCHEDULE } from '../accounts/AccountStore';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { ACCOUNTS_TABLE, KEYS_TABLE } from '../accounts/tables';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { SecretBox } from './SecretBox';
import { rotateStoredSecrets } from './rotateStoredSecrets';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const OLD_KEY = 'the key everything was stored with';
const NEW_KEY = Buffer.alloc(32, 3).toString('hex');
const box = (encryptionKey: string, previousEncryptionKeys?: string[]) =>
  SecretBox.fromConfig(
    new ConfigReader({
      llmUsage: { secrets: { encryptionKey, previousEncryptionKeys } },
    }),
  );

describe.each(databases.eachSupportedId())(
  'rotateStoredSecrets on %p',
  databaseId => {
    it('re-encrypts account credentials and key secrets with the new key, once', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      const before = box(OLD_KEY);
      const accounts = new DatabaseAccountStore(knex);
      for (const id of ['acc-1', 'acc-2']) {
        await accounts.create({
          id,
          provider: 'openrouter',
          name: id,
          ownerRef: null,
          source: 'api',
          credentialsEncrypted: before.encryptJson({
            managementKey: `sk-or-${id}`,
          }),
          settings: {},
          schedule: DEFAULT_SCHEDULE,
        });
      }
      // One account was saved with a key nobody configured any more.
      await knex(ACCOUNTS_TABLE)
        .where({ id: 'acc-2' })
        .update({
          credentials_encrypted: box('a key that was lost for good').encrypt(
            '{}',
          ),
        });
      await knex(KEYS_TABLE).insert({
        id: 'key-1',
        account_id: 'acc-1',
        provider: 'openrouter',
        name: 'Stored secret',
        status: 'active',
        source: 'manual',
        secret_encrypted: before.encrypt('sk-or-v1-the-key-secret'),
        created_at: 1,
        updated_at: 1,
      });
      const { logger, lines } = captureLogger();

      const rotating = box(NEW_KEY, [OLD_KEY]);
      expect(await rotateStoredSecrets(knex, rotating, logger)).toEqual({
        reencrypted: 2,
        unreadable: 1,
      });

      const after = box(NEW_KEY);
      const account = await knex(ACCOUNTS_TABLE).where({ id: 'acc-1' }).first();
      expect(after.decryptJson(account.credentials_encrypted)).toEqual({
        managementKey: 'sk-or-acc-1',
      });
      const key = await knex(KEYS_TABLE).where({ id: 'key-1' }).first();
      expect(after.decrypt(key.secret_encrypted)).toBe(
        'sk-or-v1-the-key-secret',
      );
      // Logs name rows, never secrets.
      expect(lines.join('\n')).toContain('acc-2');
      expect(lines.join('\n')).not.toContain('sk-or');
      // A second start (or another instance) finds nothing left to do.
      expect(await rotateStoredSecrets(knex, rotating, logger)).toEqual({
        reencrypted: 0,
        unreadable: 1,
      });
      expect(
        (await knex(KEYS_TABLE).where({ id: 'key-1' }).first())
          .secret_encrypted,
      ).toBe(key.secret_encrypted);
    });
  },
);
