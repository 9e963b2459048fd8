import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { AlertRule } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { AlertRulesSettings } from './AlertRulesSettings';
import { SWRConfig } from 'swr';

jest.setTimeout(30_000);

const base = {
  scope: 'global' as const,
  scopeId: null,
  updatedAt: null,
  updatedBy: null,
};
const RULES: AlertRule[] = [
  {
    ...base,
    id: null,
    type: 'key_expiring',
    enabled: true,
    severity: 'info',
    params: { days: [7, 3, 1] },
  },
  {
    ...base,
    id: 'r-low',
    type: 'low_balance',
    enabled: true,
    severity: 'warning',
    params: { thresholds: [{ currency: 'USD', amount: '10' }] },
    updatedAt: '2026-11-24T10:00:00.000Z',
  },
  {
    id: 'r-acc',
    type: 'low_balance',
    scope: 'account',
    scopeId: 'acc-1',
    enabled: false,
    severity: 'error',
    params: { thresholds: [] },
    updatedAt: '2026-11-24T10:00:00.000Z',
    updatedBy: 'user:default/root',
  },
];

function setup(allowed: boolean) {
  const api = mockLlmUsageApi({
    listAlertRules: jest.fn(async () => ({ items: RULES })),
    saveAlertRule: jest.fn(
      async input => ({ ...RULES[0], ...input } as AlertRule),
    ),
    deleteAlertRule: jest.fn(async () => undefined),
  });
  renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      {/* usePermission caches answers; each test starts without them. */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <AlertRulesSettings />
      </SWRConfig>
    </TestApiProvider>,
  );
  return api;
}

describe('AlertRulesSettings', () => {
  it('saves an edited global rule with parsed params and resets a saved one', async () => {
    const api = setup(true);
    const expiring = await screen.findByTestId(
      'alert-rule-key_expiring-global',
    );
    const days = within(expiring).getByLabelText('Days before expiry');
    await userEvent.clear(days);
    await userEvent.type(days, '14, 7, x');
    expect(
      within(expiring).getByText('Enter whole numbers separated by commas'),
    ).toBeInTheDocument();
    expect(
      within(expiring).getByRole('button', { name: 'Save' }),
    ).toBeDisabled();

    await userEvent.clear(days);
    await userEvent.type(days, '14, 7');
    await userEvent.click(
      within(expiring).getByRole('button', { name: 'Save' }),
    );
    await waitFor(() =>
      expect(api.saveAlertRule).toHaveBeenCalledWith({
        type: 'key_expiring',
        scope: 'global',
        scopeId: null,
        enabled: true,
        severity: 'info',
        params: { days: [14, 7] },
      }),
    );
    // A default rule has nothing to reset; a saved one does.
    expect(
      within(expiring).queryByRole('button', { name: 'Back to default' }),
    ).toBeNull();
    const low = screen.getByTestId('alert-rule-low_balance-global');
    await userEvent.click(
      within(low).getByRole('button', { name: 'Back to default' }),
    );
    expect(api.deleteAlertRule).toHaveBeenCalledWith('r-low');

    expect(screen.getByText('Account: acc-1')).toBeInTheDocument();
  });

  it('shows rules read-only to users who are not admins', async () => {
    setup(false);
    const expiring = await screen.findByTestId(
      'alert-rule-key_expiring-global',
    );
    expect(
      within(expiring).getByLabelText('Days before expiry'),
    ).toBeDisabled();
    expect(within(expiring).queryByRole('button', { name: 'Save' })).toBeNull();
    expect(
      screen.getAllByText('Only LLM Usage admins can change these rules.')
        .length,
    ).toBeGreaterThan(0);
  });
});
