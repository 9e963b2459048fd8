import vector from './__fixtures__/volcengine-signature-vector.json';
import { formatXDate, signVolcengineRequest } from './signing';

function parseXDate(xDate: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(xDate)!;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

const { inputs } = vector;
const baseInput = {
  method: inputs.method,
  url: new URL(inputs.url),
  // Host comes from the URL; fetch does not let us set it anyway.
  headers: { 'Content-Type': inputs.headers_before_signing['Content-Type'] },
  body: inputs.body,
  credentials: {
    accessKeyId: inputs.access_key_id,
    secretAccessKey: inputs.secret_access_key,
  },
  region: inputs.region,
  service: inputs.service,
  date: parseXDate(inputs.x_date),
};

describe('signVolcengineRequest', () => {
  it('reproduces the reference vector exactly, step by step', () => {
    const signature = signVolcengineRequest(baseInput);

    expect(signature.canonicalRequest).toBe(
      vector.intermediate.canonical_request,
    );
    expect(signature.credentialScope).toBe(
      vector.intermediate.credential_scope,
    );
    expect(signature.stringToSign).toBe(vector.intermediate.string_to_sign);
    expect(signature.headers).toEqual(vector.expected_headers);
  });

  it('formats X-Date without separators or milliseconds', () => {
    expect(formatXDate(new Date('2024-07-10T04:29:25.123Z'))).toBe(
      '20240710T042925Z',
    );
  });

  it('signs an STS session token and ignores headers that are not signed', () => {
    const signature = signVolcengineRequest({
      ...baseInput,
      headers: { ...baseInput.headers, Accept: 'application/json' },
      credentials: { ...baseInput.credentials, sessionToken: 'sts-token' },
    });

    expect(signature.headers['X-Security-Token']).toBe('sts-token');
    expect(signature.headers.Authorization).toContain(
      'SignedHeaders=content-type;host;x-content-sha256;x-date;x-security-token,',
    );
    expect(signature.canonicalRequest).not.toContain('accept');
  });

  it('sorts and percent-encodes the query and drops default ports from host', () => {
    const signature = signVolcengineRequest({
      ...baseInput,
      url: new URL(
        "https://open.volcengineapi.com:443/?Version=2024-01-01&Action=GetUsage&Note=a b/c*'",
      ),
    });

    const [, , query, contentType, host] =
      signature.canonicalRequest.split('\n');
    expect(query).toBe(
      'Action=GetUsage&Note=a%20b%2Fc%2A%27&Version=2024-01-01',
    );
    expect(contentType).toBe('content-type:application/json');
    expect(host).toBe('host:open.volcengineapi.com');
  });

  it('changes the signature with the secret, the body and the time', () => {
    const reference = signVolcengineRequest(baseInput).headers.Authorization;
    expect(
      signVolcengineRequest({
        ...baseInput,
        credentials: { ...baseInput.credentials, secretAccessKey: 'other' },
      }).headers.Authorization,
    ).not.toBe(reference);
    expect(
      signVolcengineRequest({ ...baseInput, body: '{"a":1}' }).headers
        .Authorization,
    ).not.toBe(reference);
    expect(
      signVolcengineRequest({
        ...baseInput,
        date: new Date(baseInput.date.getTime() + 1000),
      }).headers.Authorization,
    ).not.toBe(reference);
  });
});
