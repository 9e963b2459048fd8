import { InputError, ServiceUnavailableError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  ProviderHttpClient,
  ProviderNotSupportedError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import {
  captureLogger,
  createProviderTestServer,
} from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import { HttpResponse, http } from 'msw';
import { z } from 'zod/v3';
import { ProviderBadGatewayError, providerErrorToHttp } from './providerErrors';

const BASE = 'https://api.provider.test/v1';
const SECRET = 'sk-THIS-IS-THE-SECRET';
const server = createProviderTestServer();

/** A refused request on the shared client every module uses. */
async function refusedWith(status: number, body: JsonObject) {
  server.use(
    http.get(`${BASE}/ping`, () => HttpResponse.json(body, { status })),
  );
  const client = new ProviderHttpClient({
    providerName: 'Some AI',
    baseUrl: BASE,
    logger: captureLogger().logger,
    headers: { authorization: `Bearer ${SECRET}` },
    secrets: [SECRET],
  });
  return client.request({ path: '/ping', schema: z.unknown() }).catch(e => e);
}

describe('providerErrorToHttp', () => {
  it.each([
    [
      "Anthropic's error envelope",
      401,
      {
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
      },
      'invalid x-api-key',
    ],
    [
      "OpenRouter's error envelope",
      403,
      { error: { code: 403, message: 'Only management keys can do this' } },
      'Only management keys can do this',
    ],
  ])(
    'turns refused credentials in %s into a 502 that says so, without the secret',
    async (_name, status, body, providerMessage) => {
      const mapped = providerErrorToHttp(await refusedWith(status, body));

      expect(mapped).toBeInstanceOf(ProviderBadGatewayError);
      const error = mapped as ProviderBadGatewayError;
      expect(error.statusCode).toBe(502);
      expect(error.message).toMatch(
        new RegExp(
          `^The provider refused the account's credentials: Some AI rejected the account's credentials \\(${status} from`,
        ),
      );
      expect(error.message).toContain(providerMessage);
      expect(error.message).not.toContain(SECRET);
    },
  );

  it('keeps the other provider failures apart: down 503, unreadable 502, unsupported 400', () => {
    expect(
      providerErrorToHttp(new ProviderUnavailableError('timed out')),
    ).toBeInstanceOf(ServiceUnavailableError);
    const unreadable = providerErrorToHttp(
      new ProviderResponseError('not JSON'),
    );
    expect(unreadable).toBeInstanceOf(ProviderBadGatewayError);
    expect((unreadable as Error).message).toBe('not JSON');
    expect(
      providerErrorToHttp(new ProviderNotSupportedError('no such thing')),
    ).toBeInstanceOf(InputError);
    // Anything else is passed on as it is (InputErrors among them).
    const input = new InputError("Invalid field 'credentials.adminKey'");
    expect(providerErrorToHttp(input)).toBe(input);
  });
});
