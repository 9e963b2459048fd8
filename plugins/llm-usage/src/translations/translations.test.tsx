import { screen } from '@testing-library/react';
import {
  TestApiProvider,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { llmUsageApiRef } from '../api';
import { AlertsPage } from '../components/alerts/AlertsPage';
import { DashboardPage } from '../components/dashboard/DashboardPage';
import { busyOverview, mockLlmUsageApi } from '../__testUtils__/fixtures';
import { inLanguage } from '../__testUtils__/languages';
import zh from './zh';

function renderInLanguage(
  language: string,
  page = <DashboardPage />,
  api = mockLlmUsageApi({
    getOverview: jest.fn(async () => busyOverview),
  }),
) {
  const app = inLanguage(language);
  return renderInTestApp(
    <TestApiProvider apis={[[llmUsageApiRef, api]]}>{page}</TestApiProvider>,
    {
      config: { ...app.config, llmUsage: { polling: { intervalSeconds: 0 } } },
      features: app.features,
    },
  );
}

describe('translations', () => {
  // The app remembers the chosen language in local storage.
  beforeEach(() => window.localStorage.clear());

  it('renders the dashboard in Simplified Chinese', async () => {
    renderInLanguage('zh');
    expect(await screen.findByText('总调用次数')).toBeInTheDocument();
    expect(screen.getAllByText('LLM 用量').length).toBeGreaterThan(0);
    // numbers follow the language too
    expect(screen.getByTestId('cost-CNY')).toHaveTextContent('¥88.12');
  });

  it('renders the dashboard in English by default', async () => {
    renderInLanguage('en');
    expect(await screen.findByText('Total calls')).toBeInTheDocument();
  });

  it('renders a rollup alert in Simplified Chinese', async () => {
    const api = mockLlmUsageApi({
      listAlerts: jest.fn(async () => ({
        items: [
          {
            id: 'r',
            type: 'rollup_failed' as const,
            severity: 'error' as const,
            target: { type: 'system' as const, id: 'rollup', name: null },
            accountId: null,
            ownerRef: null,
            params: {
              firstHour: '2026-11-25T05:00:00.000Z',
              hours: 2,
              failures: 1,
              failedAt: '2026-11-25T09:00:00.000Z',
              error: 'integer overflow',
            },
            firstSeenAt: '2026-11-25T09:00:00.000Z',
            lastSeenAt: '2026-11-25T09:00:00.000Z',
            resolvedAt: null,
            read: false,
          },
        ],
        nextCursor: null,
      })),
    });
    renderInLanguage('zh', <AlertsPage />, api);
    expect(
      await screen.findByText(
        /^每小时汇总无法汇总 2 个小时的调用（最早为 .+）/,
      ),
    ).toBeInTheDocument();
  });

  it('shows a failed request in Simplified Chinese, with the server message as detail', async () => {
    const notFound = Object.assign(
      new Error('Request failed with 404 Not Found'),
      {
        name: 'ResponseError',
        statusCode: 404,
        body: { error: { name: 'NotFoundError', message: 'No project p1' } },
      },
    );
    renderInLanguage(
      'zh',
      <DashboardPage />,
      mockLlmUsageApi({
        getOverview: jest.fn(async () => Promise.reject(notFound)),
      }),
    );
    expect(
      await screen.findByText('未找到该内容，可能已被删除。'),
    ).toBeInTheDocument();
    expect(screen.getByText('详细信息：No project p1')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '重试' })).toBeInTheDocument();
    expect(screen.queryByText(/Request failed/)).toBeNull();
  });

  it('translates every message', () => {
    for (const [key, value] of Object.entries(zh.messages)) {
      expect([key, value?.trim()]).not.toEqual([key, '']);
    }
  });
});
