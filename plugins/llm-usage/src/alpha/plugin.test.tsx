import { screen } from '@testing-library/react';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import llmUsagePlugin, { llmUsageApi, llmUsagePage } from './plugin';
import { LlmUsageClient, llmUsageApiRef } from '../api';
import { busyOverview, mockLlmUsageApi } from '../__testUtils__/fixtures';

describe('llm-usage alpha plugin', () => {
  it('has the plugin id the backend and the app expect', () => {
    expect(llmUsagePlugin.id).toBe('llm-usage');
  });

  it('mounts the page at /llm-usage with a title and icon for the nav', () => {
    const tester = createExtensionTester(llmUsagePage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/llm-usage');
    expect(tester.get(coreExtensionData.title)).toBe('LLM Usage');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('provides the client as the llm-usage API', () => {
    const factory = createExtensionTester(llmUsageApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api.id).toBe(llmUsageApiRef.id);
    const client = factory.factory({
      discoveryApi: { getBaseUrl: async () => '' },
      fetchApi: { fetch },
    });
    expect(client).toBeInstanceOf(LlmUsageClient);
  });

  it('renders the dashboard with its own translated header', async () => {
    const api = mockLlmUsageApi({
      getOverview: jest.fn(async () => busyOverview),
    });
    const page = createExtensionTester(llmUsagePage).reactElement();
    renderInTestApp(page, { apis: [[llmUsageApiRef, api]] });
    expect(await screen.findByText('12,345')).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'LLM Usage' }),
    ).toBeInTheDocument();
  });
});
