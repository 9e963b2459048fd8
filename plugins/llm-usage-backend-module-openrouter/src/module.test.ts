import { providersAddedBy } from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import llmUsageModuleOpenRouter from '.';

describe('llmUsageModuleOpenRouter', () => {
  it('adds the OpenRouter provider through the extension point', async () => {
    const added = await providersAddedBy(llmUsageModuleOpenRouter);

    expect(added.map(p => p.id)).toEqual(['openrouter']);
  });
});
