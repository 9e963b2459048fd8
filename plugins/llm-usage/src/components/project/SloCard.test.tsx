import { screen, within } from '@testing-library/react';
import type { SloReportResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { SloCard } from './SloCard';

jest.setTimeout(30_000);

const HOUR = '2025-01-30T10:00:00.000Z';

const report: SloReportResponse = {
  projectId: 'chatbot',
  source: 'annotation',
  evaluatedUntil: '2025-01-31T00:00:00.000Z',
  invalidAnnotations: [
    { annotation: 'llm-usage.io/slo-ttft-ms', value: 'fast' },
  ],
  objectives: [
    {
      metric: 'latencyP95',
      threshold: 3000,
      target: 0.99,
      windowDays: 28,
      windowStart: '2025-01-03T00:00:00.000Z',
      windowEnd: '2025-01-31T00:00:00.000Z',
      countedHours: 600,
      goodHours: 590,
      badHours: 10,
      attainment: 590 / 600,
      errorBudgetRemaining: -2 / 3,
      burnRates: [
        { hours: 1, burnRate: 100 },
        { hours: 6, burnRate: 16.7 },
        { hours: 24, burnRate: 4.2 },
        { hours: 72, burnRate: null },
      ],
      alerts: [
        {
          tier: 'fast',
          longHours: 6,
          shortHours: 1,
          threshold: 6,
          firing: true,
        },
        {
          tier: 'slow',
          longHours: 72,
          shortHours: 24,
          threshold: 1,
          firing: false,
        },
      ],
      burn: [
        { at: '2025-01-03T00:00:00.000Z', budgetRemaining: 1 },
        { at: '2025-01-30T11:00:00.000Z', budgetRemaining: -2 / 3 },
        { at: '2025-01-31T00:00:00.000Z', budgetRemaining: -2 / 3 },
      ],
      brokenHours: [{ hourStart: HOUR, value: 4520, calls: 87 }],
    },
    {
      metric: 'errorRate',
      threshold: 0.01,
      target: 0.99,
      windowDays: 28,
      windowStart: '2025-01-03T00:00:00.000Z',
      windowEnd: '2025-01-31T00:00:00.000Z',
      countedHours: 600,
      goodHours: 600,
      badHours: 0,
      attainment: 1,
      errorBudgetRemaining: 1,
      burnRates: [{ hours: 1, burnRate: 0 }],
      alerts: [],
      burn: [{ at: '2025-01-03T00:00:00.000Z', budgetRemaining: 1 }],
      brokenHours: [],
    },
  ],
};

describe('SloCard', () => {
  it('shows attainment, the budget left, burn rates, alert tiers and the broken hours', async () => {
    const api = mockLlmUsageApi({
      getProjectSlo: jest.fn(async () => report),
    });
    await renderWithApi(<SloCard projectId="chatbot" />, { api });
    const latency = await screen.findByTestId('slo-latencyP95');
    expect(api.getProjectSlo).toHaveBeenCalledWith(
      'chatbot',
      expect.anything(),
    );
    expect(within(latency).getByText('98.3%')).toBeInTheDocument();
    expect(
      within(latency).getByText('590 of 600 hours good'),
    ).toBeInTheDocument();
    // Overspent: below zero, in the error colour.
    expect(within(latency).getByTestId('slo-budget-left')).toHaveTextContent(
      '-66.7%',
    );
    expect(within(latency).getByText('100× allowed')).toBeInTheDocument();
    expect(within(latency).getByTestId('slo-alert-fast')).toHaveTextContent(
      'Fast burn (6 h and 1 h): alerting',
    );
    expect(within(latency).getByTestId('slo-alert-slow')).toHaveTextContent(
      'Slow burn (72 h and 24 h): fine',
    );
    const hours = within(latency).getAllByTestId('slo-broken-hour');
    expect(hours).toHaveLength(1);
    expect(hours[0]).toHaveTextContent('4.52');
    expect(hours[0]).toHaveTextContent('87');
    const errors = screen.getByTestId('slo-errorRate');
    expect(
      within(errors).getByText('No hour broke this objective in the window.'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('slo-invalid-annotation')).toHaveTextContent(
      'llm-usage.io/slo-ttft-ms',
    );
  });

  it('explains how to declare an SLO when the project has none', async () => {
    const api = mockLlmUsageApi();
    await renderWithApi(<SloCard projectId="chatbot" />, { api });
    const empty = await screen.findByTestId('slo-empty');
    expect(within(empty).getByText('No SLO declared')).toBeInTheDocument();
    expect(empty).toHaveTextContent('llm-usage.io/slo-p95-latency-ms');
    expect(empty).toHaveTextContent('/slo/projects/chatbot/settings');
  });

  it("says who sees SLOs when the project is not the viewer's to see whole", async () => {
    const api = mockLlmUsageApi({
      getProjectSlo: jest.fn(async () => {
        throw Object.assign(new Error('No project'), {
          name: 'NotFoundError',
          response: { status: 404 },
        });
      }),
    });
    await renderWithApi(<SloCard projectId="chatbot" />, { api });
    expect(await screen.findByTestId('slo-not-visible')).toHaveTextContent(
      "SLOs are shown to the project's owners and LLM Usage admins.",
    );
  });

  it('shows a load failure with a retry', async () => {
    const api = mockLlmUsageApi({
      getProjectSlo: jest.fn(async () => {
        throw new Error('boom');
      }),
    });
    await renderWithApi(<SloCard projectId="chatbot" />, { api });
    expect(
      await screen.findByRole('button', { name: /retry/i }),
    ).toBeInTheDocument();
  });
});
