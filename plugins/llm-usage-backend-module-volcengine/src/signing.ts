import { createHash, createHmac } from 'node:crypto';

/**
 * Volcengine's OpenAPI request signature ("HMAC-SHA256", a V4-style scheme),
 * written from its documented algorithm:
 *
 * 1. `X-Date` (UTC `YYYYMMDD'T'HHMMSS'Z'`) and `X-Content-Sha256` (hex SHA-256
 *    of the body) are added first, so they are signed too.
 * 2. Signed headers: `content-type`, `content-md5`, `host` and every `x-*`
 *    header, lower-cased and sorted.
 * 3. Canonical request: method, path, sorted percent-encoded query,
 *    `name:value\n` per signed header, the signed header list, body hash.
 * 4. String to sign: `HMAC-SHA256\n<X-Date>\n<scope>\n<hex sha256(canonical)>`
 *    with scope `<YYYYMMDD>/<region>/<service>/request`.
 * 5. Key: HMAC chain secret → date → region → service → `"request"` (no
 *    `AWS4` prefix, unlike AWS).
 */

/** @public */
export interface VolcengineCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** STS session token, sent as `X-Security-Token` when present. */
  sessionToken?: string;
}

/** @public */
export interface VolcengineSigningInput {
  method: string;
  url: URL;
  /** Headers that will be sent; `Host` is taken from the URL. */
  headers: Record<string, string>;
  body: string | undefined;
  credentials: VolcengineCredentials;
  region: string;
  service: string;
  date: Date;
}

/** @public */
export interface VolcengineSignature {
  /** Headers to add to the request. */
  headers: Record<string, string>;
  canonicalRequest: string;
  credentialScope: string;
  stringToSign: string;
}

const ALGORITHM = 'HMAC-SHA256';

/** @public */
export function signVolcengineRequest(
  input: VolcengineSigningInput,
): VolcengineSignature {
  const xDate = formatXDate(input.date);
  const shortDate = xDate.slice(0, 8);
  const bodyHash = sha256Hex(input.body ?? '');

  const added: Record<string, string> = {
    'X-Date': xDate,
    'X-Content-Sha256': bodyHash,
  };
  if (input.credentials.sessionToken) {
    added['X-Security-Token'] = input.credentials.sessionToken;
  }

  const signed = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...input.headers, ...added })) {
    const lower = name.toLowerCase();
    if (
      lower === 'content-type' ||
      lower === 'content-md5' ||
      lower.startsWith('x-')
    ) {
      signed.set(lower, value.trim());
    }
  }
  signed.set('host', input.url.host.replace(/:(80|443)$/, ''));
  const names = [...signed.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names
    .map(name => `${name}:${signed.get(name)}\n`)
    .join('');

  const canonicalRequest = [
    input.method.toUpperCase(),
    input.url.pathname || '/',
    canonicalQuery(input.url.searchParams),
    canonicalHeaders,
    signedHeaders,
    bodyHash,
  ].join('\n');

  const credentialScope = `${shortDate}/${input.region}/${input.service}/request`;
  const stringToSign = [
    ALGORITHM,
    xDate,
    credentialScope,
    sha256Hex(canonicalRequest),
  ].join('\n');

  const kDate = hmac(input.credentials.secretAccessKey, shortDate);
  const kRegion = hmac(kDate, input.region);
  const kService = hmac(kRegion, input.service);
  const kSigning = hmac(kService, 'request');
  const signature = hmac(kSigning, stringToSign).toString('hex');

  return {
    headers: {
      ...added,
      Authorization: `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
    canonicalRequest,
    credentialScope,
    stringToSign,
  };
}

/** `20240710T042925Z` */
export function formatXDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .map(([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)])
    .sort(([ak, av], [bk, bv]) => compare(ak, bk) || compare(av, bv))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function compare(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** Percent-encodes everything except `A-Z a-z 0-9 - _ . ~`. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
