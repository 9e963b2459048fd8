import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { createProviderModule } from './createProviderModule';
import { llmUsageProvidersExtensionPoint } from './extensionPoint';
import type { LlmProvider } from './provider';
import { providersAddedBy } from './testUtils';

const provider: LlmProvider = {
  id: 'example',
  displayName: 'Example',
  capabilities: ['keys.list'],
  currency: 'USD',
  credentialFields: [],
  createClient: () => ({ testConnection: async () => {} }),
};

/** A stand-in llm-usage plugin that keeps what modules add. */
function llmUsagePlugin(added: LlmProvider[]) {
  return createBackendPlugin({
    pluginId: 'llm-usage',
    register(env) {
      env.registerExtensionPoint(llmUsageProvidersExtensionPoint, {
        addProvider: p => added.push(p),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('createProviderModule', () => {
  it('adds its provider to the llm-usage plugin', async () => {
    await expect(
      providersAddedBy(createProviderModule({ provider })),
    ).resolves.toEqual([provider]);
  });

  it('is a module named after the provider unless told otherwise', async () => {
    const added: LlmProvider[] = [];
    const other = { ...provider, id: 'other' };
    // Two modules with one id would make the backend refuse to start.
    const backend = await startTestBackend({
      features: [
        llmUsagePlugin(added),
        createProviderModule({ provider }),
        createProviderModule({ provider: other, moduleId: 'example-2' }),
      ],
    });
    expect(added.map(p => p.id).sort()).toEqual(['example', 'other']);
    await backend.stop();

    await expect(
      startTestBackend({
        features: [
          llmUsagePlugin([]),
          createProviderModule({ provider }),
          createProviderModule({ provider: other, moduleId: 'example' }),
        ],
      }),
    ).rejects.toThrow(
      "Module 'example' for plugin 'llm-usage' is already registered",
    );
  });
});
