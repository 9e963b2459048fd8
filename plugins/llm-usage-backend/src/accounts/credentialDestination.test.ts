import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { openRouterProvider } from '@llm-usage/backstage-plugin-llm-usage-backend-module-openrouter';
import type { LlmProvider } from '@llm-usage/backstage-plugin-llm-usage-node';
import {
  changesDestination,
  checkBaseUrl,
  readAllowedBaseUrls,
} from './credentialDestination';

const allowed = readAllowedBaseUrls(
  new ConfigReader({
    llmUsage: {
      providers: {
        openrouter: {
          allowedBaseUrls: [
            'https://llm-proxy.corp.example/openrouter/',
            'http://10.0.0.7:8080/or',
          ],
        },
      },
    },
  }),
);

const check =
  (value: string | undefined, provider = openRouterProvider) =>
  () =>
    checkBaseUrl(provider, value, allowed);

describe('checkBaseUrl', () => {
  it("accepts the provider's default, its own hosts over https and no value", () => {
    expect(check(undefined)).not.toThrow();
    expect(check('')).not.toThrow();
    expect(check(openRouterProvider.endpoint!.defaultBaseUrl)).not.toThrow();
    expect(check('https://OPENROUTER.ai/api/v1/')).not.toThrow();
  });

  it.each([
    ['https://evil.example/api/v1', 'not a known host'],
    ['http://openrouter.ai/api/v1', 'not https'],
    ['file:///etc/passwd', 'not https'],
    ['https://127.0.0.1/api/v1', 'not a known host'],
    ['https://169.254.169.254/latest/meta-data', 'not a known host'],
    ['https://[::1]/api/v1', 'not a known host'],
    ['https://localhost/api/v1', 'not a known host'],
    ['https://openrouter.ai:8443/api/v1', 'not a known host'],
    ['https://openrouter.ai.evil.example/api/v1', 'not a known host'],
    ['https://user:pw@openrouter.ai/api/v1', 'user info'],
    ['openrouter.ai/api/v1', 'not a URL'],
  ])('refuses %s with a 400 naming settings.baseUrl', (value, why) => {
    const attempt = check(value);
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(/^Invalid field 'settings\.baseUrl'/);
    expect(attempt).toThrow(why);
  });

  it('accepts base URLs app-config allows, by path prefix, and nothing beside them', () => {
    expect(
      check('https://llm-proxy.corp.example/openrouter/api/v1'),
    ).not.toThrow();
    expect(check('https://llm-proxy.corp.example/openrouter')).not.toThrow();
    // The operator chose http for this internal proxy; the API could not.
    expect(check('http://10.0.0.7:8080/or/v1')).not.toThrow();
    expect(check('https://llm-proxy.corp.example/openrouter-evil')).toThrow(
      InputError,
    );
    expect(check('https://llm-proxy.corp.example/other')).toThrow(InputError);
    expect(check('http://10.0.0.7:8081/or')).toThrow(InputError);
    expect(check('https://llm-proxy.corp.example/openrouter/../admin')).toThrow(
      InputError,
    );
  });

  it('lets a provider without a declared endpoint use config-allowed URLs only', () => {
    const bare: LlmProvider = { ...openRouterProvider, endpoint: undefined };
    expect(check('https://openrouter.ai/api/v1', bare)).toThrow(InputError);
    expect(check(undefined, bare)).not.toThrow();
  });

  it('refuses an allowed base URL that is not a URL at startup', () => {
    expect(() =>
      readAllowedBaseUrls(
        new ConfigReader({
          llmUsage: { providers: { openai: { allowedBaseUrls: ['nope'] } } },
        }),
      ),
    ).toThrow('llmUsage.providers.openai.allowedBaseUrls[0]');
  });
});

describe('changesDestination', () => {
  it('names baseUrl and the settings the provider declares, ignoring others', () => {
    const provider: LlmProvider = {
      ...openRouterProvider,
      destinationSettings: ['region'],
    };
    expect(changesDestination(provider, {}, { baseUrl: 'https://x' })).toBe(
      'baseUrl',
    );
    expect(changesDestination(provider, { region: 'a' }, { region: 'b' })).toBe(
      'region',
    );
    expect(
      changesDestination(
        provider,
        { baseUrl: 'https://x', workspaceId: 'a' },
        { baseUrl: 'https://x', workspaceId: 'b' },
      ),
    ).toBeUndefined();
  });
});
