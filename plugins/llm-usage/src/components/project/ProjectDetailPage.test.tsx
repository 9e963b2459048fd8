import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CallListResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { LlmUsageApi } from '../../api';
import type { LlmUsageApiOverrides } from '../../__testUtils__/fixtures';
import {
  call,
  mockLlmUsageApi,
  projectModels,
  projectStats,
  projectTrends,
} from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { LlmUsagePage } from '../LlmUsagePage';

// Rendering the whole page in jsdom is slow when the test run shares two cores.
jest.setTimeout(30_000);

const failedCall = call({
  id: 'call-failed',
  status: 'failed',
  errorReason: 'upstream 429: rate limited',
  durationMs: 2450,
  metadata: { route: '/chat', attempt: 2 },
});
const okCall = call({ id: 'call-ok', timestamp: '2025-01-30T10:10:00.000Z' });

function detailApi(overrides: LlmUsageApiOverrides = {}) {
  return mockLlmUsageApi({
    getProjectStats: jest.fn(async (projectId: string) =>
      projectStats(projectId, {
        calls: 1500,
        successCalls: 1425,
        failedCalls: 75,
        successRate: 0.95,
        avgLatencyMs: 820,
        p95LatencyMs: 2400,
        inputTokens: 900_000,
        outputTokens: 300_000,
        totalTokens: 1_200_000,
        costs: [
          { currency: 'USD', amount: '42.5' },
          { currency: 'CNY', amount: '10' },
        ],
      }),
    ),
    getProjectTrends: jest.fn(async (projectId: string) =>
      projectTrends(projectId),
    ),
    getProjectModels: jest.fn(async (projectId: string) =>
      projectModels(projectId),
    ),
    getProjectCalls: jest.fn(
      async (): Promise<CallListResponse> => ({
        items: [failedCall, okCall],
        nextCursor: 'cursor-2',
      }),
    ),
    ...overrides,
  });
}

function renderDetail(
  api: LlmUsageApi,
  search = '',
  options: { pollingIntervalSeconds?: number } = {},
) {
  return renderWithApi(<LlmUsagePage />, {
    api,
    mountPath: '/llm-usage',
    initialRouteEntries: [`/llm-usage/projects/chatbot${search}`],
    ...options,
  });
}

describe('ProjectDetailPage', () => {
  it('shows skeletons while loading', async () => {
    const pending = () => new Promise<never>(() => {});
    const api = mockLlmUsageApi({
      getProjectStats: jest.fn(pending),
      getProjectTrends: jest.fn(pending),
      getProjectModels: jest.fn(pending),
      getProjectCalls: jest.fn(pending),
    });
    renderDetail(api);
    expect(await screen.findByText('Average latency')).toBeInTheDocument();
    expect(screen.getAllByTestId('stat-card-skeleton')).toHaveLength(6);
    expect(screen.getAllByTestId('call-row-skeleton').length).toBeGreaterThan(
      0,
    );
  });

  it('shows the six stats, the trend, the models and the calls', async () => {
    const api = detailApi();
    renderDetail(api);

    const stats = await screen.findByTestId('project-stats');
    await within(stats).findByText('1,500');
    expect(within(stats).getByText('95%')).toBeInTheDocument();
    expect(within(stats).getByText('820 ms')).toBeInTheDocument();
    expect(within(stats).getByText('2.40 sec')).toBeInTheDocument();
    expect(within(stats).getByText('1.2M')).toBeInTheDocument();
    expect(within(stats).getByTestId('project-cost-USD')).toHaveTextContent(
      '$42.50',
    );
    expect(within(stats).getByTestId('project-cost-CNY')).toHaveTextContent(
      'CN¥10.00',
    );

    expect(
      screen.getByRole('heading', { name: 'chatbot' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Chatbot Service')).toBeInTheDocument();
    expect(screen.getByText('Requests and latency')).toBeInTheDocument();
    const models = await screen.findByTestId('model-distribution');
    expect(within(models).getByText('gpt-4o')).toBeInTheDocument();
    expect(within(models).getByText('70% of calls')).toBeInTheDocument();

    const row = await screen.findByTestId('call-row-call-failed');
    expect(
      within(row).getByRole('img', { name: 'Failed' }),
    ).toBeInTheDocument();
    expect(within(row).getByText('gpt-4o')).toBeInTheDocument();
    expect(within(row).getByText('Chat')).toBeInTheDocument();
    expect(within(row).getByText('1,000 / 250')).toBeInTheDocument();
    expect(within(row).getByText('2.45 sec')).toBeInTheDocument();
    expect(within(row).getByText('$0.013')).toBeInTheDocument();

    // every request of the page goes out at once, with the same range
    const ranges = [
      api.getProjectStats.mock.calls[0][1],
      api.getProjectTrends.mock.calls[0][1],
      api.getProjectModels.mock.calls[0][1],
      api.getProjectCalls.mock.calls[0][1],
    ].map(q => q?.from?.slice(0, 16));
    expect(new Set(ranges).size).toBe(1);
  });

  it('says how far back the call history reaches once retention deleted older calls', async () => {
    const withHorizon = detailApi({
      getProjectCalls: jest.fn(async () => ({
        items: [okCall],
        rawCallsSince: '2026-09-01T00:00:00.000Z',
      })),
    });
    renderDetail(withHorizon);
    expect(await screen.findByTestId('raw-calls-since')).toHaveTextContent(
      /^Calls are listed from .*2026.*; older ones still count in every total\.$/,
    );
    cleanup();
    renderDetail(detailApi());
    await screen.findByTestId('call-row-call-ok');
    expect(screen.queryByTestId('raw-calls-since')).not.toBeInTheDocument();
  });

  it('says so when the project has no calls in the range', async () => {
    const api = detailApi({
      getProjectStats: jest.fn(async () => projectStats('chatbot')),
      getProjectTrends: jest.fn(async () => projectTrends('chatbot', [0, 0])),
      getProjectModels: jest.fn(async () => projectModels('chatbot', [])),
      getProjectCalls: jest.fn(async () => ({ items: [] })),
    });
    renderDetail(api);
    expect(
      await screen.findByText('No calls match these filters'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No requests in this range'),
    ).toBeInTheDocument();
    expect(screen.getByText('No model data in this range')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });

  it('shows error panels with retry', async () => {
    const api = detailApi({
      getProjectCalls: jest
        .fn()
        .mockRejectedValueOnce(new Error('calls unavailable'))
        .mockResolvedValue({ items: [okCall] }),
    });
    renderDetail(api);
    expect(
      (await screen.findAllByText(/calls unavailable/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('call-row-call-ok')).toBeInTheDocument();
  });

  it('applies filters and sort from the URL', async () => {
    const api = detailApi();
    renderDetail(
      api,
      '?status=failed&model=gpt-4o&sort=latency&order=asc&range=7d',
    );
    await screen.findByTestId('call-row-call-failed');
    expect(api.getProjectCalls).toHaveBeenCalledWith(
      'chatbot',
      expect.objectContaining({
        status: 'failed',
        model: 'gpt-4o',
        sort: 'latency',
        order: 'asc',
        limit: 25,
      }),
      expect.anything(),
    );
    const [, query] = api.getProjectCalls.mock.calls[0];
    const days = (Date.parse(query!.to!) - Date.parse(query!.from!)) / 864e5;
    expect(Math.round(days)).toBe(7);
  });

  it('filters by status and sorts by latency', async () => {
    const api = detailApi();
    renderDetail(api);
    await screen.findByTestId('call-row-call-failed');

    await userEvent.click(screen.getByRole('button', { name: /All statuses/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Failed' }),
    );
    await waitFor(() =>
      expect(api.getProjectCalls).toHaveBeenLastCalledWith(
        'chatbot',
        expect.objectContaining({ status: 'failed', cursor: undefined }),
        expect.anything(),
      ),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Latency' }));
    await waitFor(() =>
      expect(api.getProjectCalls).toHaveBeenLastCalledWith(
        'chatbot',
        expect.objectContaining({ sort: 'latency', order: 'desc' }),
        expect.anything(),
      ),
    );
  });

  it('exports every call of the current filters and sort', async () => {
    Object.assign(URL, {
      createObjectURL: jest.fn(() => 'blob:calls'),
      revokeObjectURL: jest.fn(),
    });
    const api = detailApi({
      exportProjectCalls: jest.fn(async () => ({
        blob: new Blob(['x']),
        filename: 'calls.xlsx',
      })),
    });
    renderDetail(api, '?status=failed&sort=latency&order=asc&limit=50');
    await userEvent.click(await screen.findByTestId('call-export'));
    await userEvent.click(await screen.findByTestId('export-xlsx'));
    await waitFor(() => expect(api.exportProjectCalls).toHaveBeenCalled());
    const [projectId, query, format] = api.exportProjectCalls.mock.calls[0];
    expect(projectId).toBe('chatbot');
    expect(format).toBe('xlsx');
    // The whole filtered list, not the page on screen.
    expect(query).toEqual({
      from: expect.any(String),
      to: expect.any(String),
      model: undefined,
      status: 'failed',
      sort: 'latency',
      order: 'asc',
    });
  });

  it('pages with the keyset cursor and back', async () => {
    const api = detailApi();
    renderDetail(api);
    await screen.findByTestId('call-row-call-failed');
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() =>
      expect(api.getProjectCalls).toHaveBeenLastCalledWith(
        'chatbot',
        expect.objectContaining({ cursor: 'cursor-2' }),
        expect.anything(),
      ),
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Previous' })).toBeEnabled(),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() =>
      expect(api.getProjectCalls).toHaveBeenLastCalledWith(
        'chatbot',
        expect.objectContaining({ cursor: undefined }),
        expect.anything(),
      ),
    );
  });

  it('expands a row to show the error reason and metadata', async () => {
    renderDetail(detailApi());
    await screen.findByTestId('call-row-call-failed');
    await userEvent.click(
      screen.getByRole('button', { name: 'Show details call-failed' }),
    );
    const details = screen.getByTestId('call-details-call-failed');
    expect(
      within(details).getByText('upstream 429: rate limited'),
    ).toBeInTheDocument();
    expect(details.textContent).toContain('"attempt": 2');
    expect(within(details).getByText('user:default/jane')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Hide details call-failed' }),
    );
    expect(
      screen.queryByTestId('call-details-call-failed'),
    ).not.toBeInTheDocument();
  });

  it('keeps the expanded row when a polling update arrives', async () => {
    const newCall = call({
      id: 'call-new',
      timestamp: '2025-01-30T10:20:00.000Z',
    });
    let pollCount = 0;
    const api = detailApi({
      getProjectCalls: jest.fn(async () => {
        pollCount += 1;
        return {
          items:
            pollCount === 1
              ? [failedCall, okCall]
              : [newCall, failedCall, okCall],
        };
      }),
    });
    renderDetail(api, '', { pollingIntervalSeconds: 0.05 });
    await screen.findByTestId('call-row-call-failed');
    await userEvent.click(
      screen.getByRole('button', { name: 'Show details call-failed' }),
    );

    expect(await screen.findByTestId('call-row-call-new')).toBeInTheDocument();
    expect(screen.getByTestId('call-details-call-failed')).toBeInTheDocument();
    // silent: no skeleton, no busy bar
    expect(screen.queryAllByTestId('call-row-skeleton')).toHaveLength(0);
    expect(
      screen.getByText('Live, refreshes every 0.05 s'),
    ).toBeInTheDocument();
  });

  it('stops polling while the tab is hidden and catches up when visible', async () => {
    const visibility = jest.spyOn(document, 'visibilityState', 'get');
    try {
      const api = detailApi();
      renderDetail(api, '', { pollingIntervalSeconds: 0.05 });
      await screen.findByTestId('call-row-call-failed');

      visibility.mockReturnValue('hidden');
      act(() => {
        document.dispatchEvent(new Event('visibilitychange'));
      });
      expect(
        await screen.findByText('Paused while the tab is hidden'),
      ).toBeInTheDocument();
      await new Promise(resolve => setTimeout(resolve, 150));
      const whileHidden = api.getProjectCalls.mock.calls.length;
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(api.getProjectCalls.mock.calls.length).toBe(whileHidden);

      visibility.mockReturnValue('visible');
      act(() => {
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await waitFor(() =>
        expect(api.getProjectCalls.mock.calls.length).toBeGreaterThan(
          whileHidden,
        ),
      );
    } finally {
      visibility.mockRestore();
    }
  });

  it('shows one page-level state for a project that is missing or hidden, without export or live controls', async () => {
    const notFound = () =>
      Promise.reject(
        Object.assign(new Error("No project 'chatbot'"), {
          name: 'NotFoundError',
        }),
      );
    const api = detailApi({
      getProjectStats: jest.fn(notFound),
      getProjectTrends: jest.fn(notFound),
      getProjectModels: jest.fn(notFound),
      getProjectCalls: jest.fn(notFound),
    });
    renderDetail(api);
    const state = await screen.findByTestId('project-not-found');
    expect(state).toHaveTextContent('No project "chatbot"');
    expect(
      within(state).getByRole('button', { name: 'All projects' }),
    ).toBeInTheDocument();
    // No error panel per section, no export, no live caption.
    expect(screen.queryByText(/No project 'chatbot'/)).not.toBeInTheDocument();
    expect(screen.queryByTestId('call-history')).not.toBeInTheDocument();
    expect(screen.queryByTestId('call-export')).not.toBeInTheDocument();
    expect(screen.queryByText(/Live, refreshes/)).not.toBeInTheDocument();
  });
});
