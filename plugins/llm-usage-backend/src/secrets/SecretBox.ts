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

/**
 * Encrypts secrets at rest with AES-256-GCM. The key comes from
 * `llmUsage.secrets.encryptionKey`: 32 bytes as base64 or hex, or any other
 * string of at least 16 characters, hashed to 32 bytes. Decrypted values are
 * handed to provider clients only; they are never returned or logged.
 */
export class SecretBox {
  static fromConfig(config: Config): SecretBox {
    const text = config.getOptionalString('llmUsage.secrets.encryptionKey');
    return new SecretBox(text ? SecretBox.keyFrom(text) : undefined);
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

  constructor(private readonly key: Buffer | undefined) {}

  get configured(): boolean {
    return this.key !== undefined;
  }

  private requireKey(): Buffer {
    if (!this.key) {
      throw new InputError(
        'Storing secrets needs llmUsage.secrets.encryptionKey in the backend configuration',
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
    const [version, iv, tag, ciphertext] = envelope.split(':');
    if (
      version !== ENVELOPE_VERSION ||
      !iv ||
      !tag ||
      ciphertext === undefined
    ) {
      throw new Error('Not an encrypted secret of this plugin');
    }
    if (!this.key) {
      throw new Error(
        'Cannot decrypt stored credentials: llmUsage.secrets.encryptionKey is not configured',
      );
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key,
      Buffer.from(iv, 'base64'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
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
