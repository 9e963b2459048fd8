import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SWRConfig } from 'swr';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { EntityUsageQuery } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import {
  entityUsage,
  mockLlmUsageApi,
  projectList,
  projectModels,
  projectStats,
  projectTrends,
} from '../../__testUtils__/fixtures';
import { keyListFrom } from '../keys/testData';
import { EntityLlmUsageContent } from './EntityLlmUsageContent';

jest.setTimeout(30_000);

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'chatbot-service',
    annotations: { 'llm-usage.io/project-id': 'chatbot' },
  },
  spec: { owner: 'group:default/ai-team' },
};

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ai-team' },
  spec: { type: 'team', children: [] },
};

/** The keys of a service that sends no calls, as its providers report them. */
const fromProvider = (entityRef: string) =>
  entityUsage(entityRef, 'provider', {
    calls: 1234,
    successCalls: 1234,
    inputTokens: 40_000,
    outputTokens: 2_000,
    totalTokens: 42_000,
    costs: [{ currency: 'USD', amount: '3.5' }],
    estimatedCosts: [{ currency: 'USD', amount: '1.25' }],
  });

function api() {
  return mockLlmUsageApi({
    getEntityUsage: jest.fn(
      async (entityRef: string, query?: EntityUsageQuery) =>
        query?.source === 'calls'
          ? entityUsage(entityRef, 'calls')
          : fromProvider(entityRef),
    ),
    getProjectStats: jest.fn(async (id: string) =>
      projectStats(id, { calls: 4321 }),
    ),
    getProjectTrends: jest.fn(async (id: string) => projectTrends(id)),
    getProjectModels: jest.fn(async (id: string) => projectModels(id)),
    getGroupProjects: jest.fn(async () => ({
      groupRef: 'group:default/ai-team',
      ...projectList([]),
      source: 'provider' as const,
    })),
    getGroupSpend: jest.fn(async () => ({
      groupRef: 'group:default/ai-team',
      monthStart: '2026-11-01T00:00:00.000Z',
      items: [],
      totalCount: 0,
      offset: 0,
      limit: 25,
    })),
    listKeys: keyListFrom([]),
    listTags: jest.fn(async () => ({ items: [] })),
  });
}

function renderFor(entity: Entity, llmUsageApi: ReturnType<typeof api>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, llmUsageApi],
        [permissionApiRef, mockApis.permission()],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ]}
    >
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={entity}>
          <EntityLlmUsageContent />
        </EntityProvider>
      </SWRConfig>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('entity tabs: usage source', () => {
  it('shows a Component without calls its keys’ provider reports, labelled, and switches to recorded calls', async () => {
    const llmUsageApi = api();
    llmUsageApi.getEntityUsage.mockImplementation(
      async (entityRef: string, query?: EntityUsageQuery) =>
        query?.source === 'calls'
          ? entityUsage(entityRef, 'calls')
          : fromProvider(entityRef),
    );
    renderFor(component, llmUsageApi);

    const section = await screen.findByTestId('entity-usage-section');
    expect(
      await within(section).findByTestId('from-provider-reports'),
    ).toBeInTheDocument();
    expect(llmUsageApi.getEntityUsage).toHaveBeenCalledWith(
      'component:default/chatbot-service',
      expect.objectContaining({ source: 'auto', interval: 'day' }),
      expect.anything(),
    );
    expect(within(section).getByText('Requests')).toBeInTheDocument();
    expect(within(section).getByText('1,234')).toBeInTheDocument();
    expect(within(section).getByTestId('entity-cost-USD')).toHaveTextContent(
      '$3.50',
    );
    expect(within(section).getByTestId('estimated-USD')).toHaveTextContent(
      '$1.25',
    );
    // The per-project call views are not asked for.
    expect(llmUsageApi.getProjectStats).not.toHaveBeenCalled();

    await userEvent.click(
      within(section).getByRole('button', { name: 'Recorded calls' }),
    );
    expect(await screen.findByText('4,321')).toBeInTheDocument();
    expect(
      within(section).queryByTestId('from-provider-reports'),
    ).not.toBeInTheDocument();
  });

  it('shows a Component with calls its project views by default', async () => {
    const llmUsageApi = api();
    llmUsageApi.getEntityUsage.mockImplementation(async (entityRef: string) =>
      entityUsage(entityRef, 'calls', { calls: 4321, totalTokens: 10 }),
    );
    renderFor(component, llmUsageApi);
    expect(await screen.findByText('4,321')).toBeInTheDocument();
    const switcher = screen.getByTestId('usage-source-switch');
    expect(
      within(switcher).getByRole('button', { name: 'Recorded calls' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows a Group the provider usage of its keys and asks its project list from the same source', async () => {
    const llmUsageApi = api();
    renderFor(group, llmUsageApi);
    const section = await screen.findByTestId('entity-usage-section');
    expect(
      await within(section).findByTestId('from-provider-reports'),
    ).toBeInTheDocument();
    expect(within(section).getByText('1,234')).toBeInTheDocument();
    await waitFor(() =>
      expect(llmUsageApi.getGroupProjects).toHaveBeenCalledWith(
        'group:default/ai-team',
        expect.objectContaining({ source: 'auto' }),
        expect.anything(),
      ),
    );
  });
});
