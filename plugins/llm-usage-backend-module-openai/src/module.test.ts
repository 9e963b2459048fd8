import { providersAddedBy } from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import llmUsageModuleOpenAi from '.';

describe('llmUsageModuleOpenAi', () => {
  it('adds the OpenAI provider through the extension point', async () => {
    const added = await providersAddedBy(llmUsageModuleOpenAi);

    expect(added.map(p => p.id)).toEqual(['openai']);
  });
});
