import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import llmUsagePlugin from '@llm-usage/backstage-plugin-llm-usage-backend';
import anthropicModule from '@llm-usage/backstage-plugin-llm-usage-backend-module-anthropic';
import openAiModule from '@llm-usage/backstage-plugin-llm-usage-backend-module-openai';
import openRouterModule from '@llm-usage/backstage-plugin-llm-usage-backend-module-openrouter';
import volcengineModule from '@llm-usage/backstage-plugin-llm-usage-backend-module-volcengine';

jest.setTimeout(60_000);

describe('LLM Usage with the four provider modules', () => {
  it('starts without any configured account and lists the providers', async () => {
    const { server } = await startTestBackend({
      features: [
        llmUsagePlugin,
        openAiModule,
        anthropicModule,
        openRouterModule,
        volcengineModule,
      ],
    });
    const { port } = server.address() as AddressInfo;
    const headers = { Authorization: mockCredentials.user.header() };
    const providers = await fetch(
      `http://localhost:${port}/api/llm-usage/providers`,
      { headers },
    );
    expect(providers.status).toBe(200);
    const body = await providers.json();
    expect(body.items.map((p: { id: string }) => p.id).sort()).toEqual([
      'anthropic',
      'openai',
      'openrouter',
      'volcengine',
    ]);
    const accounts = await fetch(
      `http://localhost:${port}/api/llm-usage/accounts`,
      { headers },
    );
    expect(await accounts.json()).toEqual({ items: [] });
  });
});
