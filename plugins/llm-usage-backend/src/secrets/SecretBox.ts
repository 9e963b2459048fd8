import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
} from 'node:crypto';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

const ENVELOPE_VERSION = 'v1';
const IV_BYTES = 12;

/** The local default in app-config.yaml: published, so never for production. */
export const DEVELOPMENT_ENCRYPTION_KEY = 'local-development-only-key';

export interface SecretBoxEnvironment {
  /** Default: NODE_ENV is `production` or `llmUsage.secrets.requireKey` is true. */
  production?: boolean;
}

/**
 * Encrypts secrets at rest with AES-256-GCM. The key comes from
 * `llmUsage.secrets.encryptionKey`: 32 bytes as base64 or hex, or any other
 * string of at least 16 characters, hashed to 32 bytes. Decrypted values are
 * handed to provider clients only; they are never returned or logged.
 *
 * Keys listed in `llmUsage.secrets.previousEncryptionKeys` still decrypt, so
 * a new key can be rolled out and the stored secrets re-encrypted with it
 * ({@link rotateStoredSecrets}).
 */
export class SecretBox {
  static fromConfig(
    config: Config,
    environment: SecretBoxEnvironment = {},
  ): SecretBox {
    const text = config.getOptionalString('llmUsage.secrets.encryptionKey');
    const production =
      environment.production ??
      (process.env.NODE_ENV === 'production' ||
        config.getOptionalBoolean('llmUsage.secrets.requireKey') === true);
    if (production && (!text || text === DEVELOPMENT_ENCRYPTION_KEY)) {
      throw new Error(
        `llmUsage.secrets.encryptionKey (LLM_USAGE_ENCRYPTION_KEY) ${
          text
            ? 'is the development key published in app-config.yaml'
            : 'is not set'
        }: in production set it to a key of your own, e.g. the output of 'openssl rand -base64 32'`,
      );
    }
    const previous = (
      config.getOptionalStringArray(
        'llmUsage.secrets.previousEncryptionKeys',
      ) ?? []
    ).map(SecretBox.keyFrom);
    return new SecretBox(text ? SecretBox.keyFrom(text) : undefined, previous);
  }

  static keyFrom(text: string): Buffer {
    if (/^[0-9a-f]{64}$/i.test(text)) {
      return Buffer.from(text, 'hex');
    }
    const base64 = Buffer.from(text, 'base64');
    if (base64.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(text)) {
      return base64;
    }
    if (text.length < 16) {
      throw new Error(
        'llmUsage.secrets.encryptionKey must be 32 bytes (base64 or hex) or a passphrase of at least 16 characters',
      );
    }
    return createHash('sha256').update(text, 'utf8').digest();
  }

  constructor(
    private readonly key: Buffer | undefined,
    private readonly previousKeys: Buffer[] = [],
  ) {}

  get configured(): boolean {
    return this.key !== undefined;
  }

  /** Whether secrets stored with an older key may need re-encrypting. */
  get rotating(): boolean {
    return this.key !== undefined && this.previousKeys.length > 0;
  }

  private requireKey(): Buffer {
    if (!this.key) {
      throw new InputError(
        'Storing secrets needs llmUsage.secrets.encryptionKey (LLM_USAGE_ENCRYPTION_KEY) in the backend configuration',
      );
    }
    return this.key;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.requireKey(), iv);
    const ciphertext = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
    ]);
    return [
      ENVELOPE_VERSION,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  decrypt(envelope: string): string {
    return this.open(envelope).plaintext;
  }

  /**
   * The envelope encrypted with the current key, if it was made with a
   * previous one; undefined when it already uses the current key.
   */
  reencrypt(envelope: string): string | undefined {
    const { plaintext, current } = this.open(envelope);
    return current ? undefined : this.encrypt(plaintext);
  }

  private open(envelope: string): { plaintext: string; current: boolean } {
    const [version, iv, tag, ciphertext] = envelope.split(':');
    if (
      version !== ENVELOPE_VERSION ||
      !iv ||
      !tag ||
      ciphertext === undefined
    ) {
      throw new Error('Not an encrypted secret of this plugin');
    }
    if (!this.key && this.previousKeys.length === 0) {
      throw new Error(
        'Cannot decrypt stored credentials: llmUsage.secrets.encryptionKey is not configured',
      );
    }
    // GCM's tag tells a wrong key apart, so each key can simply be tried.
    const keys = this.key
      ? [this.key, ...this.previousKeys]
      : this.previousKeys;
    for (const [index, key] of keys.entries()) {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        key,
        Buffer.from(iv, 'base64'),
      );
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64')),
          decipher.final(),
        ]).toString('utf8');
        return { plaintext, current: index === 0 && Boolean(this.key) };
      } catch {
        // not this key
      }
    }
    throw new Error(
      'Stored secret does not decrypt with llmUsage.secrets.encryptionKey or any of llmUsage.secrets.previousEncryptionKeys',
    );
  }

  encryptJson(value: Record<string, string>): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson(envelope: string): Record<string, string> {
    return JSON.parse(this.decrypt(envelope));
  }
}

/** `sk-or-v1-abcdef…1234` → `sk-…1234`: enough to recognise a key, nothing to use. */
export function maskSecret(secret: string): string {
  const trimmed = secret.trim();
  if (trimmed.length <= 8) {
    return '…';
  }
  const prefix = /^[A-Za-z]{2,4}-/.exec(trimmed)?.[0] ?? '';
  return `${prefix}…${trimmed.slice(-4)}`;
}
