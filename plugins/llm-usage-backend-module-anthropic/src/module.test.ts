import { providersAddedBy } from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import llmUsageModuleAnthropic from '.';

describe('llmUsageModuleAnthropic', () => {
  it('adds the Anthropic provider through the extension point', async () => {
    const added = await providersAddedBy(llmUsageModuleAnthropic);

    expect(added.map(p => p.id)).toEqual(['anthropic']);
  });
});
