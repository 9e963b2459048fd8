import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { DEVELOPMENT_ENCRYPTION_KEY, SecretBox, maskSecret } from './SecretBox';

describe('SecretBox', () => {
  const box = SecretBox.fromConfig(
    new ConfigReader({
      llmUsage: { secrets: { encryptionKey: 'a passphrase long enough' } },
    }),
  );

  it('round-trips and never stores the plaintext', () => {
    const envelope = box.encrypt('sk-secret-value-1234');
    expect(envelope).not.toContain('sk-secret');
    expect(box.decrypt(envelope)).toBe('sk-secret-value-1234');
    // A fresh IV every time.
    expect(box.encrypt('sk-secret-value-1234')).not.toBe(envelope);
  });

  it('detects tampering and a wrong key', () => {
    const envelope = box.encrypt('hello');
    const parts = envelope.split(':');
    const flipped = Buffer.from(parts[3], 'base64');
    flipped[0] ^= 1;
    parts[3] = flipped.toString('base64');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
    const other = new SecretBox(SecretBox.keyFrom('f'.repeat(64)));
    expect(() => other.decrypt(envelope)).toThrow();
  });

  it('accepts base64 and hex keys and refuses short passphrases', () => {
    const raw = Buffer.alloc(32, 7);
    expect(SecretBox.keyFrom(raw.toString('base64'))).toEqual(raw);
    expect(SecretBox.keyFrom(raw.toString('hex'))).toEqual(raw);
    expect(() => SecretBox.keyFrom('short')).toThrow(/encryptionKey/);
  });

  it('refuses to encrypt without a configured key', () => {
    const none = SecretBox.fromConfig(new ConfigReader({}));
    expect(none.configured).toBe(false);
    expect(() => none.encrypt('x')).toThrow(/encryptionKey/);
  });
});

describe('SecretBox in production', () => {
  const secrets = (values: JsonObject) =>
    new ConfigReader({ llmUsage: { secrets: values } });
  const originalNodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = originalNodeEnv;
  });

  it('refuses the published development key and a missing key when NODE_ENV=production', () => {
    process.env.NODE_ENV = 'production';
    expect(() =>
      SecretBox.fromConfig(
        secrets({ encryptionKey: DEVELOPMENT_ENCRYPTION_KEY }),
      ),
    ).toThrow(
      /llmUsage\.secrets\.encryptionKey \(LLM_USAGE_ENCRYPTION_KEY\) is the development key/,
    );
    expect(() => SecretBox.fromConfig(secrets({}))).toThrow(
      /LLM_USAGE_ENCRYPTION_KEY\) is not set/,
    );
    const own = SecretBox.fromConfig(
      secrets({ encryptionKey: 'x'.repeat(64) }),
    );
    expect(own.decrypt(own.encrypt('ok'))).toBe('ok');
  });

  it('refuses them with llmUsage.secrets.requireKey whatever NODE_ENV says', () => {
    process.env.NODE_ENV = 'development';
    expect(() =>
      SecretBox.fromConfig(
        secrets({
          encryptionKey: DEVELOPMENT_ENCRYPTION_KEY,
          requireKey: true,
        }),
      ),
    ).toThrow(/development key/);
    // Local development keeps its default.
    expect(
      SecretBox.fromConfig(
        secrets({ encryptionKey: DEVELOPMENT_ENCRYPTION_KEY }),
      ).configured,
    ).toBe(true);
  });

  it('is what app-config.yaml defaults to without LLM_USAGE_ENCRYPTION_KEY', () => {
    const appConfig = readFileSync(
      resolvePath(__dirname, '../../../../app-config.yaml'),
      'utf8',
    );
    expect(appConfig).toContain(
      `\${LLM_USAGE_ENCRYPTION_KEY:-${DEVELOPMENT_ENCRYPTION_KEY}}`,
    );
    expect(
      readFileSync(
        resolvePath(__dirname, '../../../../app-config.production.yaml'),
        'utf8',
      ),
    ).toMatch(
      /secrets:\n\s+encryptionKey: \$\{LLM_USAGE_ENCRYPTION_KEY\}\n\s+requireKey: true/,
    );
  });
});

describe('SecretBox key rotation', () => {
  const oldKey = 'an old passphrase, long enough';
  const newKey = Buffer.alloc(32, 9).toString('base64');
  const before = SecretBox.fromConfig(
    new ConfigReader({ llmUsage: { secrets: { encryptionKey: oldKey } } }),
  );
  const rotating = SecretBox.fromConfig(
    new ConfigReader({
      llmUsage: {
        secrets: { encryptionKey: newKey, previousEncryptionKeys: [oldKey] },
      },
    }),
  );
  const after = SecretBox.fromConfig(
    new ConfigReader({ llmUsage: { secrets: { encryptionKey: newKey } } }),
  );

  it('decrypts with previous keys and re-encrypts with the current one', () => {
    const old = before.encrypt('sk-rotated');
    expect(() => after.decrypt(old)).toThrow(/previousEncryptionKeys/);
    expect(rotating.rotating).toBe(true);
    expect(rotating.decrypt(old)).toBe('sk-rotated');
    const next = rotating.reencrypt(old)!;
    expect(after.decrypt(next)).toBe('sk-rotated');
    // Already current: nothing to do.
    expect(rotating.reencrypt(next)).toBeUndefined();
    expect(after.rotating).toBe(false);
  });
});

describe('maskSecret', () => {
  it('keeps a prefix and the last four characters', () => {
    expect(maskSecret('sk-or-v1-0123456789abcdef')).toBe('sk-…cdef');
    expect(maskSecret('abcdefghijklmnop')).toBe('…mnop');
    expect(maskSecret('short')).toBe('…');
  });
});
