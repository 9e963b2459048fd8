import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  LlmProvider,
  llmUsageProvidersExtensionPoint,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import llmUsageModuleVolcengine from '.';

describe('llmUsageModuleVolcengine', () => {
  it('adds the Volcengine provider through the extension point', async () => {
    const added: LlmProvider[] = [];
    const plugin = createBackendPlugin({
      pluginId: 'llm-usage',
      register(env) {
        env.registerExtensionPoint(llmUsageProvidersExtensionPoint, {
          addProvider: provider => added.push(provider),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });

    const backend = await startTestBackend({
      features: [plugin, llmUsageModuleVolcengine],
    });

    expect(added.map(p => p.id)).toEqual(['volcengine']);
    await backend.stop();
  });
});
