import { ConfigReader } from '@backstage/config';
import { SecretBox, maskSecret } from './SecretBox';

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

describe('maskSecret', () => {
  it('keeps a prefix and the last four characters', () => {
    expect(maskSecret('sk-or-v1-0123456789abcdef')).toBe('sk-…cdef');
    expect(maskSecret('abcdefghijklmnop')).toBe('…mnop');
    expect(maskSecret('short')).toBe('…');
  });
});
