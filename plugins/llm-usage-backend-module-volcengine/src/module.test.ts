import { providersAddedBy } from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
import llmUsageModuleVolcengine from '.';

describe('llmUsageModuleVolcengine', () => {
  it('adds the Volcengine provider through the extension point', async () => {
    const added = await providersAddedBy(llmUsageModuleVolcengine);

    expect(added.map(p => p.id)).toEqual(['volcengine']);
  });
});
