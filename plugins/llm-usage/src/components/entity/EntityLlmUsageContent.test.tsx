import { screen, within } from '@testing-library/react';
import {
  TestApiProvider,
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { llmUsageApiRef } from '../../api';
import {
  mockLlmUsageApi,
  project,
  projectList,
  projectModels,
  projectStats,
  projectTrends,
} from '../../__testUtils__/fixtures';
import { llmUsageEntityContent } from '../../alpha/plugin';
import { apiKey, keyListFrom } from '../keys/testData';
import { EntityLlmUsageContent } from './EntityLlmUsageContent';
import { isLlmUsageAvailable, projectIdsOf } from './entityPredicates';

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'chatbot-service',
    annotations: { 'llm-usage.io/project-id': 'chatbot, chatbot-batch,' },
  },
  spec: { owner: 'group:default/ai-team' },
};

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ai-team' },
  spec: { type: 'team', children: [] },
  relations: [
    { type: 'hasMember', targetRef: 'user:default/jane' },
    { type: 'hasMember', targetRef: 'user:default/joe' },
  ],
};

function renderFor(entity: Entity, api: ReturnType<typeof mockLlmUsageApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityLlmUsageContent />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('entity predicates', () => {
  it('reads project ids from the annotation and decides where the tab shows', () => {
    expect(projectIdsOf(component)).toEqual(['chatbot', 'chatbot-batch']);
    expect(isLlmUsageAvailable(component)).toBe(true);
    expect(isLlmUsageAvailable(group)).toBe(true);
    expect(
      isLlmUsageAvailable({ ...component, metadata: { name: 'plain' } }),
    ).toBe(false);
    expect(
      isLlmUsageAvailable({ ...group, kind: 'User', metadata: { name: 'j' } }),
    ).toBe(false);
  });
});

describe('EntityLlmUsageContent', () => {
  it('shows a Component its first project and the keys linked to it', async () => {
    const api = mockLlmUsageApi({
      getProjectStats: jest.fn(async (id: string) =>
        projectStats(id, { calls: 4321 }),
      ),
      getProjectTrends: jest.fn(async (id: string) => projectTrends(id)),
      getProjectModels: jest.fn(async (id: string) => projectModels(id)),
      listKeys: keyListFrom([apiKey('k1', { name: 'Chatbot production key' })]),
      listTags: jest.fn(async () => ({ items: [] })),
    });
    renderFor(component, api);
    expect(await screen.findByText('4,321')).toBeInTheDocument();
    expect(api.getProjectStats).toHaveBeenCalledWith(
      'chatbot',
      expect.anything(),
      expect.anything(),
    );
    // Both project ids can be picked.
    expect(
      screen.getByRole('button', { name: 'chatbot-batch' }),
    ).toBeInTheDocument();
    const keys = await screen.findByTestId('entity-keys');
    expect(
      await within(keys).findByText('Chatbot production key'),
    ).toBeInTheDocument();
    expect(api.listKeys).toHaveBeenCalledWith(
      expect.objectContaining({
        componentRef: 'component:default/chatbot-service',
      }),
      expect.anything(),
    );
  });

  it('explains a project nobody reported calls for yet', async () => {
    const notFound = Object.assign(new Error('No project'), {
      name: 'NotFoundError',
    });
    const api = mockLlmUsageApi({
      getProjectStats: jest.fn(async () => {
        throw notFound;
      }),
      getProjectTrends: jest.fn(async (id: string) => projectTrends(id)),
      getProjectModels: jest.fn(async (id: string) => projectModels(id)),
      listKeys: keyListFrom([]),
      listTags: jest.fn(async () => ({ items: [] })),
    });
    renderFor(component, api);
    expect(
      await screen.findByText('No calls reported under chatbot yet'),
    ).toBeInTheDocument();
    expect(await screen.findByText('No provider keys')).toBeInTheDocument();
  });

  it('shows a Group its keys, its projects and spend by member', async () => {
    const api = mockLlmUsageApi({
      listKeys: jest.fn(async query => {
        if (query?.ownerRef?.includes('group:default/ai-team')) {
          return {
            items: [apiKey('k1', { name: 'Team shared key' })],
            total: 1,
            offset: 0,
            limit: 10,
          };
        }
        return {
          items: [
            apiKey('k2', {
              ownerRef: 'user:default/jane',
              month: {
                inputTokens: 100,
                outputTokens: 50,
                requests: 3,
                cost: [{ currency: 'USD', amount: '0.1' }],
              },
            }),
            apiKey('k3', {
              ownerRef: 'user:default/jane',
              month: {
                inputTokens: 10,
                outputTokens: 5,
                requests: 1,
                cost: [{ currency: 'USD', amount: '0.2' }],
              },
            }),
          ],
          total: 2,
          offset: 0,
          limit: 100,
        };
      }),
      listTags: jest.fn(async () => ({ items: [] })),
      getProjects: jest.fn(async () =>
        projectList([
          project('chatbot', {
            entity: {
              entityRef: 'component:default/chatbot-service',
              title: 'Chatbot',
              ownerRefs: ['group:default/ai-team'],
            },
          }),
          project('someone-else', {
            entity: {
              entityRef: 'component:default/other',
              ownerRefs: ['group:default/other-team'],
            },
          }),
        ]),
      ),
    });
    renderFor(group, api);
    expect(await screen.findByText('Team shared key')).toBeInTheDocument();
    const projects = await screen.findByTestId('group-projects');
    expect(within(projects).getByText('chatbot')).toBeInTheDocument();
    expect(within(projects).queryByText('someone-else')).toBeNull();
    const members = await screen.findByTestId('group-members');
    // Jane's two keys: 165 tokens and $0.30, added exactly.
    expect(within(members).getByText('165')).toBeInTheDocument();
    expect(within(members).getByText('$0.30')).toBeInTheDocument();
    expect(api.listKeys).toHaveBeenCalledWith(
      expect.objectContaining({
        ownerRef: ['user:default/jane', 'user:default/joe'],
      }),
      expect.anything(),
    );
  });
});

describe('llmUsageEntityContent blueprint', () => {
  it('adds an LLM Usage tab at /llm-usage', () => {
    const tester = createExtensionTester(llmUsageEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/llm-usage');
  });
});
