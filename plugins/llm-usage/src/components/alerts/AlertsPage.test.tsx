import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Alert } from '@llm-usage/backstage-plugin-llm-usage-common';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { AlertsPage } from './AlertsPage';
import { LlmUsageAlertsBadge } from './LlmUsageAlertsBadge';

jest.setTimeout(30_000);

function alert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    type: 'key_expiring',
    severity: 'warning',
    target: { type: 'key', id: `key-${id}`, name: `ci-bot-${id}` },
    accountId: 'acc-1',
    ownerRef: 'group:default/team-a',
    params: {
      thresholdDays: 3,
      daysLeft: 3,
      expiresAt: '2026-11-28T00:00:00.000Z',
    },
    firstSeenAt: '2026-11-25T08:00:00.000Z',
    lastSeenAt: '2026-11-25T09:00:00.000Z',
    resolvedAt: null,
    read: false,
    ...overrides,
  };
}

const lowBalance = alert('b', {
  type: 'low_balance',
  severity: 'error',
  target: { type: 'account', id: 'acc-1', name: 'Main OpenAI' },
  params: { currency: 'USD', available: '4.5', threshold: '10' },
  read: true,
});

describe('AlertsPage', () => {
  it('shows translated alerts, filters in the URL and pages', async () => {
    const api = mockLlmUsageApi({
      listAlerts: jest.fn(async query =>
        query?.cursor === 'next'
          ? { items: [alert('c')], nextCursor: null }
          : { items: [alert('a'), lowBalance], nextCursor: 'next' },
      ),
    });
    renderWithApi(<AlertsPage />, { api });

    const row = await screen.findByTestId('alert-row-a');
    expect(row).toHaveTextContent('Key "ci-bot-a" expires in 3 days');
    expect(row).toHaveTextContent('Unread');
    expect(screen.getByTestId('alert-row-b')).toHaveTextContent(
      'Account "Main OpenAI" has 4.5 USD left, below 10 USD',
    );
    expect(api.listAlerts).toHaveBeenLastCalledWith(
      expect.objectContaining({ state: 'open', limit: 25 }),
      expect.anything(),
    );

    await userEvent.click(screen.getByRole('button', { name: /Severity/ }));
    await userEvent.click(
      within(screen.getByRole('listbox')).getByText('Error'),
    );
    await waitFor(() =>
      expect(api.listAlerts).toHaveBeenLastCalledWith(
        expect.objectContaining({ severity: 'error', state: 'open' }),
        expect.anything(),
      ),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByTestId('alert-row-c')).toBeInTheDocument();
    expect(api.listAlerts).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'next' }),
      expect.anything(),
    );
  });

  it('marks one alert or all of them read and reloads the list', async () => {
    let read = false;
    const api = mockLlmUsageApi({
      listAlerts: jest.fn(async () => ({
        items: [alert('a', { read })],
        nextCursor: null,
      })),
      markAlertsRead: jest.fn(async () => {
        read = true;
        return { marked: 1 };
      }),
      markAllAlertsRead: jest.fn(async () => ({ marked: 0 })),
    });
    renderWithApi(<AlertsPage />, { api });

    const row = await screen.findByTestId('alert-row-a');
    await userEvent.click(
      within(row).getByRole('button', { name: 'Mark read' }),
    );
    expect(api.markAlertsRead).toHaveBeenCalledWith(['a']);
    await waitFor(() =>
      expect(screen.getByTestId('alert-row-a')).not.toHaveTextContent('Unread'),
    );
    // The row click did not open the drawer.
    expect(api.getAlert).toBeUndefined();

    await userEvent.click(
      screen.getByRole('button', { name: 'Mark all read' }),
    );
    expect(api.markAllAlertsRead).toHaveBeenCalledTimes(1);
  });

  it('opens an alert from the URL in the drawer and marks it read', async () => {
    const api = mockLlmUsageApi({
      listAlerts: jest.fn(async () => ({ items: [], nextCursor: null })),
      getAlert: jest.fn(async () =>
        alert('x', {
          type: 'key_error',
          severity: 'error',
          params: { reason: 'error', error: 'invalid_api_key' },
        }),
      ),
      markAlertsRead: jest.fn(async () => ({ marked: 1 })),
    });
    renderWithApi(<AlertsPage />, {
      api,
      initialRouteEntries: ['/?alert=x'],
    });

    const drawer = await screen.findByRole('presentation');
    expect(
      await within(drawer).findByText(
        'Key "ci-bot-x" is in error at the provider',
      ),
    ).toBeInTheDocument();
    expect(within(drawer).getByText('invalid_api_key')).toBeInTheDocument();
    expect(
      within(drawer).getByText('Key or account error'),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.markAlertsRead).toHaveBeenCalledWith(['x']));
    expect(
      await screen.findByText('All clear: no open alerts'),
    ).toBeInTheDocument();
  });

  it('shows a rollup alert, with its system target and error, in the list and the drawer', async () => {
    const rollup = alert('r', {
      type: 'rollup_failed',
      severity: 'error',
      target: { type: 'system', id: 'rollup', name: null },
      accountId: null,
      ownerRef: null,
      params: {
        firstHour: '2026-11-25T05:00:00.000Z',
        hours: 2,
        failures: 3,
        failedAt: '2026-11-25T09:00:00.000Z',
        error: 'bigint out of range',
      },
    });
    const api = mockLlmUsageApi({
      listAlerts: jest.fn(async () => ({ items: [rollup], nextCursor: null })),
      getAlert: jest.fn(async () => rollup),
      markAlertsRead: jest.fn(async () => ({ marked: 1 })),
    });
    renderWithApi(<AlertsPage />, {
      api,
      initialRouteEntries: ['/?alert=r'],
    });

    const message =
      /^The hourly rollup cannot roll 2 hour\(s\) of calls, the oldest .*2026.*; they are read from raw calls and retried every run$/;
    const row = await screen.findByTestId('alert-row-r');
    expect(within(row).getByText(message)).toBeInTheDocument();
    const drawer = await screen.findByRole('presentation');
    expect(await within(drawer).findByText(message)).toBeInTheDocument();
    expect(
      within(drawer).getByText('LLM Usage: Hourly rollup'),
    ).toBeInTheDocument();
    expect(within(drawer).getByText('Error')).toBeInTheDocument();
    expect(within(drawer).getByText('bigint out of range')).toBeInTheDocument();
    expect(
      within(drawer).getByText('No owner: LLM Usage admins are told'),
    ).toBeInTheDocument();
    expect(within(drawer).queryByText('Provider message')).toBeNull();
    expect(within(drawer).getByText('Rollup failing')).toBeInTheDocument();
  });

  it('shows an error with a retry when alerts cannot be loaded', async () => {
    const api = mockLlmUsageApi({
      listAlerts: jest.fn(async () => {
        throw new Error('backend down');
      }),
    });
    renderWithApi(<AlertsPage />, { api });
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.listAlerts).toHaveBeenCalledTimes(2));
  });
});

describe('LlmUsageAlertsBadge', () => {
  it('shows the unread count and nothing when there is none', async () => {
    const api = mockLlmUsageApi({
      getUnreadAlertCount: jest.fn().mockResolvedValueOnce({
        unread: 3,
        bySeverity: { info: 1, warning: 1, error: 1 },
      }),
    });
    renderWithApi(
      <LlmUsageAlertsBadge>
        <span>icon</span>
      </LlmUsageAlertsBadge>,
      { api },
    );
    const badge = await screen.findByTestId('llm-usage-alerts-badge');
    expect(badge).toHaveTextContent('3');
    expect(badge).toHaveAttribute('aria-label', '3 unread alerts');
  });

  it('shows only the icon without unread alerts', async () => {
    const api = mockLlmUsageApi({
      getUnreadAlertCount: jest.fn(async () => ({
        unread: 0,
        bySeverity: { info: 0, warning: 0, error: 0 },
      })),
    });
    renderWithApi(
      <LlmUsageAlertsBadge>
        <span>icon</span>
      </LlmUsageAlertsBadge>,
      { api },
    );
    expect(await screen.findByText('icon')).toBeInTheDocument();
    await waitFor(() => expect(api.getUnreadAlertCount).toHaveBeenCalled());
    expect(screen.queryByTestId('llm-usage-alerts-badge')).toBeNull();
  });
});
