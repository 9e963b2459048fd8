/**
 * When and how long to wait before trying a provider request again.
 *
 * @public
 */
export interface RetryPolicy {
  /** Attempts in total, the first included. Default 4. */
  maxAttempts: number;
  /** Backoff before the second attempt; doubles after each failure. Default 500 ms. */
  baseDelayMs: number;
  /** Upper bound of the exponential backoff. Default 20 s. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` we are willing to wait inside one sync. A longer
   * one ends the call at once: waiting less than the provider asked would only
   * burn an attempt, and the next scheduled sync will try again. Default 60 s.
   */
  maxRetryAfterMs: number;
}

/** @public */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** Statuses worth another attempt: rate limited or a server-side failure. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * "Full jitter" backoff: a uniformly random wait between zero and the
 * exponential ceiling, so many clients that failed together do not retry
 * together.
 *
 * @param failedAttempts - attempts made so far (1 after the first failure)
 */
export function backoffDelayMs(
  failedAttempts: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1),
  );
  return Math.floor(random() * ceiling);
}

/**
 * Reads a `Retry-After` header, which is either delta-seconds or an HTTP date.
 * Returns the wait in milliseconds, or undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  header: string | null,
  now: () => number,
): number | undefined {
  if (header === null) {
    return undefined;
  }
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.ceil(Number(text) * 1000);
  }
  if (!/[a-z]/i.test(text)) {
    return undefined; // neither delta-seconds nor an HTTP date, e.g. "-5"
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    return undefined;
  }
  return Math.max(0, at - now());
}
