import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SWRConfig } from 'swr';
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
import { AuthorizeResult } from '@backstage/plugin-permission-common';
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

function renderFor(
  entity: Entity,
  api: ReturnType<typeof mockLlmUsageApi>,
  permission = mockApis.permission(),
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, api],
        [permissionApiRef, permission],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ]}
    >
      {/* usePermission caches answers; each test starts without them. */}
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
    expect(
      screen.getByRole('link', { name: 'Open in LLM Usage' }),
    ).toHaveAttribute('href', '/llm-usage/projects/chatbot');
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

  it('tells a viewer who neither owns the service nor is an admin that only their calls show', async () => {
    const api = mockLlmUsageApi({
      getProjectStats: jest.fn(async (id: string) => projectStats(id)),
      getProjectTrends: jest.fn(async (id: string) => projectTrends(id)),
      getProjectModels: jest.fn(async (id: string) => projectModels(id)),
      listKeys: keyListFrom([]),
      listTags: jest.fn(async () => ({ items: [] })),
    });
    renderFor(
      {
        ...component,
        relations: [{ type: 'ownedBy', targetRef: 'group:default/ai-team' }],
      },
      api,
      mockApis.permission({ authorize: AuthorizeResult.DENY }),
    );
    expect(await screen.findByTestId('own-calls-only')).toHaveTextContent(
      'You see only your own calls to this service. Its owners (ai-team) and LLM Usage admins see every call.',
    );
  });

  it('shows no such note to an admin', async () => {
    const api = mockLlmUsageApi({
      getProjectStats: jest.fn(async (id: string) =>
        projectStats(id, { calls: 4321 }),
      ),
      getProjectTrends: jest.fn(async (id: string) => projectTrends(id)),
      getProjectModels: jest.fn(async (id: string) => projectModels(id)),
      listKeys: keyListFrom([]),
      listTags: jest.fn(async () => ({ items: [] })),
    });
    renderFor(component, api);
    expect(await screen.findByText('4,321')).toBeInTheDocument();
    expect(screen.queryByTestId('own-calls-only')).not.toBeInTheDocument();
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

  it('shows a Group its keys and the projects and member spend the server sums', async () => {
    const api = mockLlmUsageApi({
      listKeys: jest.fn(async () => ({
        items: [apiKey('k1', { name: 'Team shared key' })],
        total: 1,
        offset: 0,
        limit: 10,
      })),
      listTags: jest.fn(async () => ({ items: [] })),
      getGroupProjects: jest.fn(async () => ({
        groupRef: 'group:default/ai-team',
        ...projectList([
          project('chatbot', {
            entity: {
              entityRef: 'component:default/chatbot-service',
              title: 'Chatbot',
              ownerRefs: ['group:default/ai-team'],
            },
          }),
        ]),
      })),
      getGroupSpend: jest.fn(async () => ({
        groupRef: 'group:default/ai-team',
        monthStart: '2026-12-01T00:00:00.000Z',
        items: [
          {
            ownerRef: 'user:default/jane',
            keys: 160,
            inputTokens: 160000,
            outputTokens: 1600,
            totalTokens: 161600,
            requests: 160,
            costs: [{ currency: 'USD', amount: '16.3' }],
          },
        ],
        totalCount: 1,
        offset: 0,
        limit: 25,
      })),
    });
    renderFor(group, api);
    expect(await screen.findByText('Team shared key')).toBeInTheDocument();
    expect(api.listKeys).toHaveBeenCalledWith(
      expect.objectContaining({ ownerRef: ['group:default/ai-team'] }),
      expect.anything(),
    );
    expect(
      screen.getByRole('link', { name: 'Open in API Keys' }),
    ).toHaveAttribute(
      'href',
      '/llm-usage/keys?owner=group%3Adefault%2Fai-team',
    );
    const projects = await screen.findByTestId('group-projects');
    expect(
      within(projects).getByRole('link', { name: 'chatbot' }),
    ).toHaveAttribute('href', '/llm-usage/projects/chatbot');
    expect(api.getGroupProjects).toHaveBeenCalledWith(
      'group:default/ai-team',
      expect.objectContaining({ offset: 0, limit: 25, sort: 'cost' }),
      expect.anything(),
    );
    const members = await screen.findByTestId('group-members');
    // Figures as the server summed them, over all 160 keys.
    expect(within(members).getByText('160')).toBeInTheDocument();
    expect(within(members).getByText('161,600')).toBeInTheDocument();
    expect(within(members).getByText('$16.30')).toBeInTheDocument();
    expect(api.getGroupSpend).toHaveBeenCalledWith(
      'group:default/ai-team',
      { offset: 0, limit: 25 },
      expect.anything(),
    );
  });

  it('pages a Group with more projects than one page through the server', async () => {
    const page = (offset: number) =>
      Array.from({ length: offset === 0 ? 25 : 5 }, (_, i) =>
        project(`p-${offset + i}`),
      );
    const api = mockLlmUsageApi({
      listKeys: keyListFrom([]),
      listTags: jest.fn(async () => ({ items: [] })),
      getGroupProjects: jest.fn(async (_ref, query) => ({
        groupRef: 'group:default/ai-team',
        ...projectList(page(query?.offset ?? 0), 230),
      })),
      getGroupSpend: jest.fn(async () => ({
        groupRef: 'group:default/ai-team',
        monthStart: '2026-12-01T00:00:00.000Z',
        items: [],
        totalCount: 0,
        offset: 0,
        limit: 25,
      })),
    });
    renderFor(group, api);
    const projects = await screen.findByTestId('group-projects');
    expect(within(projects).getByText('p-0')).toBeInTheDocument();
    expect(await screen.findByText(/of 230/)).toBeInTheDocument();
    expect(await screen.findByText('No member owns a key')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    expect(await screen.findByText('p-25')).toBeInTheDocument();
    expect(api.getGroupProjects).toHaveBeenLastCalledWith(
      'group:default/ai-team',
      expect.objectContaining({ offset: 25, limit: 25 }),
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
