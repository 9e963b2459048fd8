import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { LlmUsageApiOverrides } from '../../__testUtils__/fixtures';
import {
  busyOverview,
  mockLlmUsageApi,
  overview,
  project,
  projectList,
  usageTrends,
} from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { DashboardPage } from './DashboardPage';

// Rendering the whole page in jsdom is slow when the test run shares two cores.
jest.setTimeout(30_000);

function dashboardApi(overrides: LlmUsageApiOverrides = {}) {
  return mockLlmUsageApi({
    getOverview: jest.fn(async () => busyOverview),
    getTrends: jest.fn(async () => usageTrends),
    getProjects: jest.fn(async () =>
      projectList(
        [
          project('chatbot', {
            entity: {
              entityRef: 'component:default/chatbot',
              title: 'Chatbot Service',
              ownerRefs: ['group:default/ai-team'],
            },
          }),
          project('batch-summaries', { calls: 42 }),
        ],
        12,
      ),
    ),
    ...overrides,
  });
}

describe('DashboardPage', () => {
  it('shows skeletons while loading', async () => {
    const pending = () => new Promise<never>(() => {});
    const api = mockLlmUsageApi({
      getOverview: jest.fn(pending),
      getTrends: jest.fn(pending),
      getProjects: jest.fn(pending),
    });
    renderWithApi(<DashboardPage />, { api });
    expect(await screen.findByText('Total calls')).toBeInTheDocument();
    expect(screen.getAllByTestId('stat-card-skeleton')).toHaveLength(4);
    expect(screen.getByTestId('trend-skeleton')).toBeInTheDocument();
    expect(
      screen.getAllByTestId('project-row-skeleton').length,
    ).toBeGreaterThan(0);
  });

  it('explains how to send calls when there are none yet', async () => {
    const api = dashboardApi({ getOverview: jest.fn(async () => overview()) });
    renderWithApi(<DashboardPage />, { api });
    expect(await screen.findByText('No LLM calls yet')).toBeInTheDocument();
    const link = screen.getByRole('link', { name: /How to send calls/ });
    expect(link.getAttribute('href')).toMatch(/#sending-calls$/);
    await waitFor(() =>
      expect(document.body.textContent).toContain(
        'http://localhost:7007/api/llm-usage/calls',
      ),
    );
  });

  it('says a short range is quiet instead of onboarding', async () => {
    const api = dashboardApi({ getOverview: jest.fn(async () => overview()) });
    renderWithApi(<DashboardPage />, {
      api,
      initialRouteEntries: ['/?range=24h'],
    });
    expect(
      await screen.findByText('No calls in this time range'),
    ).toBeInTheDocument();
    expect(screen.queryByText('No LLM calls yet')).not.toBeInTheDocument();
  });

  it('shows an error panel and loads again on retry', async () => {
    const getOverview = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend is down'))
      .mockResolvedValue(busyOverview);
    const api = dashboardApi({ getOverview });
    renderWithApi(<DashboardPage />, { api });

    expect(
      (await screen.findAllByText(/backend is down/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('12,345')).toBeInTheDocument();
    expect(screen.queryByText(/backend is down/)).not.toBeInTheDocument();
    expect(getOverview).toHaveBeenCalledTimes(2);
  });

  it('keeps the other sections when one of them fails', async () => {
    const api = dashboardApi({
      getTrends: jest.fn(async () => {
        throw new Error('trends broke');
      }),
    });
    renderWithApi(<DashboardPage />, { api });
    expect((await screen.findAllByText(/trends broke/)).length).toBeGreaterThan(
      0,
    );
    expect(screen.getByText('12,345')).toBeInTheDocument();
    expect(await screen.findByText('chatbot')).toBeInTheDocument();
  });

  it('shows the overview with deltas and one line per currency', async () => {
    renderWithApi(<DashboardPage />, { api: dashboardApi() });

    expect(await screen.findByText('12,345')).toBeInTheDocument();
    expect(screen.getByText('645 failed')).toBeInTheDocument();
    expect(screen.getByText('4.2M')).toBeInTheDocument();
    expect(screen.getByTestId('cost-USD')).toHaveTextContent('$1,234.50');
    expect(screen.getByTestId('cost-CNY')).toHaveTextContent('CN¥88.12');
    expect(screen.getByTestId('cost-CNY')).toHaveAttribute('title', 'CN¥88.12');
    expect(screen.getByText('94.8%')).toBeInTheDocument();
    // calls +23.5%, tokens unchanged, USD +23.5%, CNY new, rate -2.2 points
    const cards = screen.getByTestId('overview-cards');
    expect(within(cards).getAllByText('+23.5%')).toHaveLength(1);
    expect(within(cards).getByText('no change')).toBeInTheDocument();
    expect(within(cards).getByText('+23.5% USD')).toBeInTheDocument();
    expect(within(cards).getByText('new CNY')).toBeInTheDocument();
    expect(within(cards).getByText('-2.2 pts')).toBeInTheDocument();
  });

  it('lists projects with their component and owner, linking to details', async () => {
    renderWithApi(<DashboardPage />, { api: dashboardApi() });
    const row = await screen.findByTestId('project-row-chatbot');
    expect(within(row).getByRole('link', { name: 'chatbot' })).toHaveAttribute(
      'href',
      '/projects/chatbot',
    );
    expect(within(row).getByText('Chatbot Service')).toBeInTheDocument();
    expect(within(row).getByText(/ai-team/)).toBeInTheDocument();
    expect(within(row).getByText('$12.50')).toBeInTheDocument();
    expect(within(row).getByText('95%')).toBeInTheDocument();
    expect(within(row).getByText('1.80 sec')).toBeInTheDocument();
    const unlinked = screen.getByTestId('project-row-batch-summaries');
    expect(
      within(unlinked).getByText('Not linked to a catalog component'),
    ).toBeInTheDocument();
    expect(screen.getByText('1–10 of 12')).toBeInTheDocument();
  });

  it('reads search, sort and page from the URL', async () => {
    const api = dashboardApi();
    renderWithApi(<DashboardPage />, {
      api,
      initialRouteEntries: ['/?q=bot&sort=cost&order=asc&page=1&size=25'],
    });
    await screen.findByTestId('project-row-chatbot');
    expect(api.getProjects).toHaveBeenLastCalledWith(
      expect.objectContaining({
        search: 'bot',
        sort: 'cost',
        order: 'asc',
        offset: 25,
        limit: 25,
      }),
      expect.anything(),
    );
    expect(screen.getByLabelText('Search projects')).toHaveValue('bot');
  });

  it('searches, sorts and pages the project list', async () => {
    const api = dashboardApi();
    renderWithApi(<DashboardPage />, { api });
    await screen.findByTestId('project-row-chatbot');

    await userEvent.type(screen.getByLabelText('Search projects'), 'chat');
    await waitFor(() =>
      expect(api.getProjects).toHaveBeenLastCalledWith(
        expect.objectContaining({ search: 'chat', offset: 0 }),
        expect.anything(),
      ),
    );

    const list = screen.getByTestId('project-list');
    await userEvent.click(within(list).getByRole('button', { name: 'Cost' }));
    await waitFor(() =>
      expect(api.getProjects).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'cost', order: 'desc' }),
        expect.anything(),
      ),
    );

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() =>
      expect(api.getProjects).toHaveBeenLastCalledWith(
        expect.objectContaining({ offset: 10, limit: 10 }),
        expect.anything(),
      ),
    );
  });

  it('switches the trend interval, metric and split', async () => {
    const api = dashboardApi();
    renderWithApi(<DashboardPage />, { api });
    const trend = await screen.findByTestId('usage-trend');
    expect(api.getTrends).toHaveBeenLastCalledWith(
      expect.objectContaining({ interval: 'day', split: 'none' }),
      expect.anything(),
    );
    expect(api.getTrends.mock.calls[0][0]?.tz).toBeTruthy();

    await userEvent.click(within(trend).getByRole('button', { name: 'Week' }));
    await userEvent.click(
      within(trend).getByRole('button', { name: 'By provider' }),
    );
    await waitFor(() =>
      expect(api.getTrends).toHaveBeenLastCalledWith(
        expect.objectContaining({ interval: 'week', split: 'provider' }),
        expect.anything(),
      ),
    );

    // Cost is charted one currency at a time.
    await userEvent.click(within(trend).getByRole('button', { name: 'Cost' }));
    expect(
      (await within(trend).findAllByText('Currency')).length,
    ).toBeGreaterThan(0);
  });

  it('asks for the range chosen in the URL', async () => {
    const api = dashboardApi();
    renderWithApi(<DashboardPage />, {
      api,
      initialRouteEntries: ['/?range=custom&from=2025-01-01&to=2025-01-07'],
    });
    await screen.findByText('12,345');
    const [query] = api.getOverview.mock.calls[0] as any[];
    const days =
      (Date.parse(query.to) - Date.parse(query.from)) / (24 * 3600 * 1000);
    expect(Math.round(days)).toBe(7);
  });

  it('polls the overview silently', async () => {
    const getOverview = jest
      .fn()
      .mockResolvedValueOnce(busyOverview)
      .mockResolvedValue(
        overview(
          { ...busyOverview.current, calls: 12346 },
          busyOverview.previous,
        ),
      );
    const api = dashboardApi({ getOverview });
    renderWithApi(<DashboardPage />, { api, pollingIntervalSeconds: 0.05 });
    expect(await screen.findByText('12,345')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText('12,346')).toBeInTheDocument());
    expect(screen.queryAllByTestId('stat-card-skeleton')).toHaveLength(0);
  });

  it('labels generated demo data, and only then', async () => {
    const api = dashboardApi({
      getInfo: jest.fn(async () => ({
        demoDataEnabled: true,
        rolledUntil: null,
      })),
    });
    renderWithApi(<DashboardPage />, { api });
    const banner = await screen.findByTestId('demo-data-banner');
    expect(banner).toHaveTextContent('Demo data');

    const realApi = dashboardApi();
    renderWithApi(<DashboardPage />, { api: realApi });
    await waitFor(() => expect(realApi.getInfo).toHaveBeenCalled());
    expect(screen.getAllByTestId('demo-data-banner')).toHaveLength(1);
  });

  it('exports the whole project list with the search and sort shown', async () => {
    const createObjectURL = jest.fn(() => 'blob:projects');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const api = dashboardApi({
      exportProjects: jest.fn(async () => ({
        blob: new Blob(['projectId']),
        filename: 'llm-usage-projects.csv',
      })),
    });
    renderWithApi(<DashboardPage />, {
      api,
      initialRouteEntries: ['/?q=chat&sort=cost&order=asc&page=2'],
    });
    await userEvent.click(await screen.findByTestId('project-export'));
    await userEvent.click(await screen.findByTestId('export-csv'));
    await waitFor(() => expect(createObjectURL).toHaveBeenCalled());
    const [query, format] = api.exportProjects.mock.calls[0];
    expect(format).toBe('csv');
    expect(query).toEqual({
      from: expect.any(String),
      to: expect.any(String),
      search: 'chat',
      sort: 'cost',
      order: 'asc',
    });
  });
});
