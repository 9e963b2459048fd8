import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  Alert,
  ApiKey,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { SWRConfig } from 'swr';
import { llmUsageApiRef } from '../../api';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { apiKey } from '../keys/testData';
import { AlertsPage } from './AlertsPage';

jest.setTimeout(30_000);

const spike: Alert = {
  id: 'a1',
  type: 'anomaly',
  severity: 'warning',
  target: { type: 'key', id: 'k1', name: 'checkout' },
  accountId: 'or',
  ownerRef: 'group:default/team-a',
  params: {
    kind: 'request_spike',
    at: '2026-12-04T09:00:00.000Z',
    value: 66,
    baseline: 5,
    score: 26.4,
    currency: null,
    hours: 1,
    series: JSON.stringify([...Array(23).fill(5), 66]),
    baselineSeries: JSON.stringify(Array(24).fill(5)),
  },
  firstSeenAt: '2026-12-04T10:00:00.000Z',
  lastSeenAt: '2026-12-04T11:00:00.000Z',
  resolvedAt: null,
  read: true,
};

function setup(options: { key: ApiKey; allowed?: boolean }) {
  let key = options.key;
  const api = mockLlmUsageApi({
    listAlerts: jest.fn(async () => ({ items: [spike], nextCursor: null })),
    getAlert: jest.fn(async () => spike),
    getKey: jest.fn(async () => key),
    disableKey: jest.fn(async () => {
      key = { ...key, status: 'disabled' };
      return { key, localOnly: false };
    }),
  });
  const permissionApi = mockApis.permission({
    authorize: () =>
      options.allowed === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
  });
  renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, api],
        [permissionApiRef, permissionApi],
      ]}
    >
      <SWRConfig value={{ provider: () => new Map() }}>
        <AlertsPage />
      </SWRConfig>
    </TestApiProvider>,
    {
      initialRouteEntries: ['/?alert=a1'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return api;
}

describe('an anomaly alert in the drawer', () => {
  it('shows the evidence and disables the key at the provider after a confirmation', async () => {
    const api = setup({ key: apiKey('k1', { name: 'checkout' }) });
    const drawer = await screen.findByRole('presentation');
    expect(
      await within(drawer).findByText(
        /^Key "checkout" made 66 calls in the hour from .*, against a usual 5 at that hour of the week \(score 26\.4\)$/,
      ),
    ).toBeInTheDocument();
    expect(within(drawer).getByTestId('anomaly-evidence')).toHaveTextContent(
      'Score 26.4',
    );

    const button = await within(drawer).findByRole('button', {
      name: 'Disable key at the provider',
    });
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'Disable the key "checkout" at its provider?',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Disable' }),
    );
    await waitFor(() => expect(api.disableKey).toHaveBeenCalledWith('k1'));
    expect(
      await within(drawer).findByText('The key is already disabled.'),
    ).toBeInTheDocument();
  });

  it('explains instead where the provider has no API to disable keys', async () => {
    const api = setup({
      key: apiKey('k1', {
        provider: 'volcengine',
        accountName: 'Ark',
        capabilities: { setEnabledAtProvider: false, deleteAtProvider: false },
      }),
    });
    const drawer = await screen.findByRole('presentation');
    expect(
      await within(drawer).findByText(
        /Keys of "Ark" \(volcengine\) cannot be disabled from LLM Usage/,
      ),
    ).toBeInTheDocument();
    expect(
      within(drawer).getByRole('button', {
        name: 'Disable key at the provider',
      }),
    ).toBeDisabled();
    expect(api.disableKey).not.toHaveBeenCalled();
  });

  it('refuses someone who may not manage the key', async () => {
    setup({ key: apiKey('k1'), allowed: false });
    const drawer = await screen.findByRole('presentation');
    expect(
      await within(drawer).findByText(/You may not disable this key/),
    ).toBeInTheDocument();
    expect(
      within(drawer).getByRole('button', {
        name: 'Disable key at the provider',
      }),
    ).toBeDisabled();
  });
});
