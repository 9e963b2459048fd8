import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { ACCOUNTS_TABLE, KEYS_TABLE } from '../accounts/tables';
import type { SecretBox } from './SecretBox';

const COLUMNS = [
  { table: ACCOUNTS_TABLE, column: 'credentials_encrypted' },
  { table: KEYS_TABLE, column: 'secret_encrypted' },
] as const;

export interface RotationResult {
  /** Secrets that were encrypted with a previous key and now use the current one. */
  reencrypted: number;
  /** Secrets no configured key opens (left as they are). */
  unreadable: number;
}

/**
 * Re-encrypts every stored secret made with one of
 * `llmUsage.secrets.previousEncryptionKeys` with the current key. Each row is
 * written only if it still holds the envelope that was read, so an account
 * saved meanwhile (already with the current key) is not overwritten; several
 * instances starting at once write equivalent envelopes. Logs row ids only.
 */
export async function rotateStoredSecrets(
  db: Knex,
  box: SecretBox,
  logger: LoggerService,
): Promise<RotationResult> {
  const result: RotationResult = { reencrypted: 0, unreadable: 0 };
  for (const { table, column } of COLUMNS) {
    const rows: Array<{ id: string; envelope: string }> = await db(table)
      .select({ id: 'id', envelope: column })
      .whereNotNull(column);
    for (const row of rows) {
      let next: string | undefined;
      try {
        next = box.reencrypt(row.envelope);
      } catch {
        result.unreadable += 1;
        logger.warn(
          `The secret in ${table} row ${row.id} does not decrypt with any configured encryption key; it is left as it is`,
        );
        continue;
      }
      if (next === undefined) continue;
      result.reencrypted += await db(table)
        .where({ id: row.id, [column]: row.envelope })
        .update({ [column]: next });
    }
  }
  if (result.reencrypted > 0 || result.unreadable > 0) {
    logger.info(
      `Encryption key rotation: ${result.reencrypted} stored secrets re-encrypted with the current key, ${result.unreadable} unreadable`,
    );
  }
  return result;
}
