import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Budget } from '@llm-usage/backstage-plugin-llm-usage-common';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { BudgetsSettings } from './BudgetsSettings';

jest.setTimeout(30_000);

const teamBudget: Budget = {
  id: 'b1',
  targetType: 'group',
  targetRef: 'group:default/team-a',
  name: '',
  amount: { currency: 'USD', amount: '100' },
  createdBy: 'user:default/alice',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  canManage: true,
};

function settingsApi(budgets: Budget[]) {
  return mockLlmUsageApi({
    listBudgets: jest.fn(async () => ({ items: budgets })),
    getDigestPreferences: jest.fn(async () => ({
      items: [
        { ownerRef: 'user:default/alice', weekly: true, monthly: true },
        { ownerRef: 'group:default/team-a', weekly: true, monthly: false },
      ],
    })),
    createBudget: jest.fn(async () => teamBudget),
    updateBudget: jest.fn(async () => teamBudget),
    deleteBudget: jest.fn(async () => undefined),
    updateDigestPreferences: jest.fn(async request => ({
      ownerRef: request.ownerRef,
      weekly: request.weekly ?? true,
      monthly: request.monthly ?? true,
    })),
  });
}

describe('BudgetsSettings', () => {
  it('lists budgets and creates one through the dialog', async () => {
    const api = settingsApi([teamBudget]);
    renderWithApi(<BudgetsSettings />, { api });
    const row = await screen.findByTestId('budget-row-b1');
    // The ref reads as the team's name; the label names the kind.
    expect(row).toHaveTextContent('Team team-a');
    expect(row).toHaveTextContent('$100.00');

    await userEvent.click(screen.getByRole('button', { name: 'Add budget' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText(/Entity ref, project id or account id/),
      'support-bot',
    );
    await userEvent.type(
      within(dialog).getByLabelText(/Amount per month/),
      '250.5',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.createBudget).toHaveBeenCalledWith({
        targetType: 'group',
        targetRef: 'support-bot',
        name: '',
        amount: '250.5',
        currency: 'USD',
      }),
    );
    await waitFor(() => expect(api.listBudgets).toHaveBeenCalledTimes(2));
  });

  it('shows the server message when saving fails and keeps the dialog open', async () => {
    const api = settingsApi([]);
    api.createBudget.mockRejectedValue(
      new Error("Invalid field 'amount': must be a positive decimal amount"),
    );
    renderWithApi(<BudgetsSettings />, { api });
    expect(await screen.findByText('No budgets yet')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add budget' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText(/Entity ref, project id or account id/),
      'group:default/team-a',
    );
    await userEvent.type(
      within(dialog).getByLabelText(/Amount per month/),
      '-1',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText(/Invalid field 'amount'/),
    ).toBeInTheDocument();
  });

  it('deletes a budget after confirmation and toggles a digest', async () => {
    const api = settingsApi([teamBudget]);
    jest.spyOn(window, 'confirm').mockReturnValue(true);
    renderWithApi(<BudgetsSettings />, { api });
    const row = await screen.findByTestId('budget-row-b1');
    await userEvent.click(within(row).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(api.deleteBudget).toHaveBeenCalledWith('b1'));

    const monthly = await screen.findByRole('checkbox', {
      name: 'group:default/team-a Monthly',
    });
    expect(monthly).not.toBeChecked();
    await userEvent.click(monthly);
    await waitFor(() =>
      expect(api.updateDigestPreferences).toHaveBeenCalledWith({
        ownerRef: 'group:default/team-a',
        monthly: true,
      }),
    );
  });
});
