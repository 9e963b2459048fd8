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
    ...base,
    id: null,
    type: 'rollup_failed',
    enabled: true,
    severity: 'error',
    params: {},
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

    // The account's override, listed with its scope and removable.
    const override = screen.getByText('Account: acc-1').closest('tr')!;
    expect(within(override).getByText('Low balance')).toBeInTheDocument();
    await userEvent.click(
      within(override).getByRole('button', { name: 'Remove' }),
    );
    expect(api.deleteAlertRule).toHaveBeenCalledWith('r-acc');
  });

  it('shows the rollup rule, saves it on or off with no params, and offers no override of it', async () => {
    const api = setup(true);
    const rollup = await screen.findByTestId('alert-rule-rollup_failed-global');
    expect(screen.getByText('Rollup failing')).toBeInTheDocument();
    expect(
      screen.getByText(/^Raised while any hour of calls cannot be rolled up/),
    ).toBeInTheDocument();
    expect(within(rollup).queryAllByRole('textbox')).toEqual([]);
    await userEvent.click(within(rollup).getByRole('checkbox'));
    await userEvent.click(within(rollup).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.saveAlertRule).toHaveBeenCalledWith({
        type: 'rollup_failed',
        scope: 'global',
        scopeId: null,
        enabled: false,
        severity: 'error',
        params: {},
      }),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Add override' }));
    const dialog = await screen.findByRole('dialog');
    // The type picker, named by its current value.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Low balance' }),
    );
    const options = (await screen.findAllByRole('option')).map(
      option => option.textContent,
    );
    expect(options).toContain('Low balance');
    expect(options).not.toContain('Rollup failing');

    // A reconciliation gap override is for an account only.
    await userEvent.click(
      screen.getByRole('option', { name: 'Reconciliation gap' }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Account' }),
    );
    expect(
      (await screen.findAllByRole('option')).map(option => option.textContent),
    ).toEqual(['Account']);
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
