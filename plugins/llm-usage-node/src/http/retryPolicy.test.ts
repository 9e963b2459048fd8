import {
  backoffDelayMs,
  isRetryableStatus,
  parseRetryAfterMs,
} from './retryPolicy';

describe('parseRetryAfterMs', () => {
  const now = () => Date.parse('2025-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(
      60_000,
    );
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the ceiling per failure and caps it', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map(n =>
      backoffDelayMs(n, policy, () => 0.9999999),
    );
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('draws uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.25)).toBe(100);
  });
});

describe('isRetryableStatus', () => {
  it('retries 429 and 5xx only', () => {
    expect(
      [200, 400, 401, 403, 404, 429, 500, 502, 503, 504].filter(
        isRetryableStatus,
      ),
    ).toEqual([429, 500, 502, 503, 504]);
  });
});
