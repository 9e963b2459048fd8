import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  busyOverview,
  mockLlmUsageApi,
  overview,
} from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { DashboardPage } from './DashboardPage';

describe('DashboardPage', () => {
  it('shows skeleton cards while the overview loads', async () => {
    const api = mockLlmUsageApi({
      getOverview: jest.fn(() => new Promise<never>(() => {})),
    });
    renderWithApi(<DashboardPage />, { api });
    expect(await screen.findByText('Total calls')).toBeInTheDocument();
    expect(screen.getAllByTestId('stat-card-skeleton')).toHaveLength(4);
  });

  it('explains how to send calls when there are none yet', async () => {
    const api = mockLlmUsageApi({
      getOverview: jest.fn(async () => overview()),
    });
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

  it('shows an error panel and loads again on retry', async () => {
    const getOverview = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend is down'))
      .mockResolvedValue(busyOverview);
    const api = mockLlmUsageApi({ getOverview });
    renderWithApi(<DashboardPage />, { api });

    expect((await screen.findAllByText(/backend is down/)).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('12,345')).toBeInTheDocument();
    expect(screen.queryByText(/backend is down/)).not.toBeInTheDocument();
    expect(getOverview).toHaveBeenCalledTimes(2);
  });

  it('shows the overview with deltas and one line per currency', async () => {
    const api = mockLlmUsageApi({
      getOverview: jest.fn(async () => busyOverview),
    });
    renderWithApi(<DashboardPage />, { api });

    expect(await screen.findByText('12,345')).toBeInTheDocument();
    expect(screen.getByText('645 failed')).toBeInTheDocument();
    expect(screen.getByText('4.2M')).toBeInTheDocument();
    expect(screen.getByTestId('cost-USD')).toHaveTextContent('$1,234.50');
    expect(screen.getByTestId('cost-CNY')).toHaveTextContent('CN¥88.12');
    expect(screen.getByText('94.8%')).toBeInTheDocument();
    // calls +23.5%, tokens unchanged, USD +23.5%, CNY new, rate -2.2 points
    const cards = screen.getByTestId('overview-cards');
    expect(within(cards).getAllByText('+23.5%')).toHaveLength(1);
    expect(within(cards).getByText('no change')).toBeInTheDocument();
    expect(within(cards).getByText('+23.5% USD')).toBeInTheDocument();
    expect(within(cards).getByText('new CNY')).toBeInTheDocument();
    expect(within(cards).getByText('-2.2 pts')).toBeInTheDocument();
  });

  it('asks for the range chosen in the URL', async () => {
    const getOverview = jest.fn(async () => busyOverview);
    const api = mockLlmUsageApi({ getOverview });
    renderWithApi(<DashboardPage />, {
      api,
      initialRouteEntries: ['/?range=custom&from=2025-01-01&to=2025-01-07'],
    });
    await screen.findByText('12,345');
    const [query] = getOverview.mock.calls[0] as any[];
    const days =
      (Date.parse(query.to) - Date.parse(query.from)) / (24 * 3600 * 1000);
    expect(Math.round(days)).toBe(7);
  });

  it('polls the overview silently', async () => {
    const getOverview = jest
      .fn()
      .mockResolvedValueOnce(busyOverview)
      .mockResolvedValue(
        overview({ ...busyOverview.current, calls: 12346 }, busyOverview.previous),
      );
    const api = mockLlmUsageApi({ getOverview });
    renderWithApi(<DashboardPage />, {
      api,
      pollingIntervalSeconds: 0.05,
    });
    expect(await screen.findByText('12,345')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText('12,346')).toBeInTheDocument());
    expect(screen.queryAllByTestId('stat-card-skeleton')).toHaveLength(0);
  });
});
