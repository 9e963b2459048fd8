import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header with the HMAC-SHA256 signature: `sha256=<hex>`. */
export const SIGNATURE_HEADER = 'x-llm-usage-signature';
/** Header with the Unix time in seconds the signature covers. */
export const TIMESTAMP_HEADER = 'x-llm-usage-timestamp';
/** Header with the delivery id, the same on every retry: receivers dedupe on it. */
export const DELIVERY_HEADER = 'x-llm-usage-delivery';

/**
 * Signs `<timestamp>.<body>`: binding the time stops a captured request from
 * being replayed later, since receivers reject old timestamps.
 */
export function signWebhookBody(
  secret: string,
  timestampSeconds: number,
  body: string,
): string {
  const digest = createHmac('sha256', secret)
    .update(`${timestampSeconds}.${body}`)
    .digest('hex');
  return `sha256=${digest}`;
}

/**
 * What a receiver does: recompute the signature and compare in constant
 * time, rejecting timestamps further than `toleranceSeconds` from now.
 */
export function verifyWebhookSignature(options: {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): boolean {
  const timestamp = Number(options.timestamp);
  if (!options.signature || !Number.isInteger(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) {
    return false;
  }
  const expected = Buffer.from(
    signWebhookBody(options.secret, timestamp, options.body),
  );
  const actual = Buffer.from(options.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
