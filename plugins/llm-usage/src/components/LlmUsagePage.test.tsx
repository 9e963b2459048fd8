import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  busyOverview,
  call,
  mockLlmUsageApi,
  project,
  projectList,
  projectModels,
  projectStats,
  projectTrends,
  usageTrends,
} from '../__testUtils__/fixtures';
import { renderWithApi } from '../__testUtils__/render';
import { LlmUsagePage } from './LlmUsagePage';

// Rendering the whole page in jsdom is slow when the test run shares two cores.
jest.setTimeout(30_000);

function fullApi() {
  return mockLlmUsageApi({
    getOverview: jest.fn(async () => busyOverview),
    getTrends: jest.fn(async () => usageTrends),
    getProjects: jest.fn(async () => projectList([project('chatbot')])),
    getProjectStats: jest.fn(async (id: string) =>
      projectStats(id, { calls: 7 }),
    ),
    getProjectTrends: jest.fn(async (id: string) => projectTrends(id)),
    getProjectModels: jest.fn(async (id: string) => projectModels(id)),
    getProjectCalls: jest.fn(async () => ({
      items: [call()],
      nextCursor: 'cursor-2',
    })),
  });
}

describe('LlmUsagePage', () => {
  it('opens a project from the list and links back with the same range', async () => {
    const api = fullApi();
    renderWithApi(<LlmUsagePage />, {
      api,
      mountPath: '/llm-usage',
      initialRouteEntries: ['/llm-usage?range=7d'],
    });
    const row = await screen.findByTestId('project-row-chatbot');
    await userEvent.click(within(row).getByText('100'));

    expect(
      await screen.findByRole('heading', { name: 'chatbot' }),
    ).toBeInTheDocument();
    expect(api.getProjectStats).toHaveBeenCalledWith(
      'chatbot',
      expect.anything(),
      expect.anything(),
    );
    expect(screen.getByRole('link', { name: 'All projects' })).toHaveAttribute(
      'href',
      '/llm-usage?range=7d',
    );
  });

  it('keeps the page of calls while polling', async () => {
    const api = fullApi();
    renderWithApi(<LlmUsagePage />, {
      api,
      mountPath: '/llm-usage',
      initialRouteEntries: ['/llm-usage/projects/chatbot'],
      pollingIntervalSeconds: 0.05,
    });
    await screen.findByTestId('call-row-call-1');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    const afterPaging = () =>
      api.getProjectCalls.mock.calls.filter(([, q]) => q?.cursor === 'cursor-2')
        .length;
    // the page itself, then at least one silent refresh of that same page
    await waitFor(() => expect(afterPaging()).toBeGreaterThanOrEqual(2));
    const last = api.getProjectCalls.mock.calls.at(-1)!;
    expect(last[1]?.cursor).toBe('cursor-2');
  });
});
