import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { KeyRotationState } from '@llm-usage/backstage-plugin-llm-usage-common';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { KeyRotationSection } from './KeyRotationSection';
import { apiKey } from './testData';

jest.setTimeout(30_000);

const key = apiKey('k1', { name: 'checkout' });
const noPolicy: KeyRotationState = {
  maxAgeDays: null,
  dueAt: null,
  canRotate: true,
  rotations: [],
};

describe('KeyRotationSection', () => {
  it('saves a policy and rotates the key, showing the new secret once', async () => {
    let state = noPolicy;
    const onChanged = jest.fn();
    const api = mockLlmUsageApi({
      getKeyRotation: jest.fn(async () => state),
      setKeyRotationPolicy: jest.fn(async (_id: string, maxAgeDays) => {
        state = { ...state, maxAgeDays, dueAt: '2027-01-01T00:00:00.000Z' };
        return state;
      }),
      rotateKey: jest.fn(async () => ({
        created: {
          key: apiKey('k2', { name: 'checkout (2026-12-04)' }),
          secret: 'sk-new-secret',
        },
        rotation: {
          id: 'r1',
          oldKeyId: 'k1',
          newKeyId: 'k2',
          startedBy: 'user:default/alice',
          startedAt: '2026-12-04T10:00:00.000Z',
          graceEndsAt: '2026-12-11T10:00:00.000Z',
          status: 'grace' as const,
          lastUsedAt: null,
          checkedAt: null,
          finishedAt: null,
        },
      })),
    });
    renderWithApi(
      <KeyRotationSection apiKey={key} canManage onChanged={onChanged} />,
      { api },
    );

    expect(await screen.findByText('No rotation policy')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Rotate every (days)'), '30');
    await userEvent.click(screen.getByRole('button', { name: 'Save policy' }));
    await waitFor(() =>
      expect(api.setKeyRotationPolicy).toHaveBeenCalledWith('k1', 30),
    );
    expect(await screen.findByText(/^Rotation due /)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Rotate…' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.clear(
      within(dialog).getByLabelText('Keep the old key for (days)'),
    );
    await userEvent.type(
      within(dialog).getByLabelText('Keep the old key for (days)'),
      '3',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );
    await waitFor(() =>
      expect(api.rotateKey).toHaveBeenCalledWith('k1', { graceDays: 3 }),
    );
    const created = await screen.findByRole('dialog');
    expect(created).toHaveTextContent(
      'New key "checkout (2026-12-04)" created. Copy its secret now',
    );
    expect(
      within(created).getByDisplayValue('sk-new-secret'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(created).getByRole('button', { name: 'Done' }),
    );
    expect(onChanged).toHaveBeenCalled();
  });

  it('explains a provider whose keys cannot be created, and offers no rotate', async () => {
    const api = mockLlmUsageApi({
      getKeyRotation: jest.fn(async () => ({ ...noPolicy, canRotate: false })),
    });
    renderWithApi(
      <KeyRotationSection apiKey={key} canManage onChanged={() => {}} />,
      { api },
    );
    expect(
      await screen.findByText(/cannot be created from LLM Usage/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Rotate…' })).toBeNull();
  });
});
