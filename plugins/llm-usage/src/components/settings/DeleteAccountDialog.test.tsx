import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { account } from '../keys/testData';
import { DeleteAccountDialog } from './DeleteAccountDialog';

jest.setTimeout(30_000);

describe('DeleteAccountDialog', () => {
  it('deletes only once the account name is typed, and shows a refusal', async () => {
    const deleteAccount = jest
      .fn()
      .mockRejectedValueOnce(new Error("No provider account 'openai-main'"))
      .mockResolvedValue(undefined);
    const onDeleted = jest.fn();
    renderWithApi(
      <DeleteAccountDialog
        account={account('openai-main', { name: 'OpenAI main', keyCount: 4 })}
        onClose={jest.fn()}
        onDeleted={onDeleted}
      />,
      { api: mockLlmUsageApi({ deleteAccount }) },
    );
    expect(await screen.findByText(/\(4\) are removed here/)).toBeVisible();
    const confirm = screen.getByRole('button', { name: 'Delete account' });
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Type OpenAI main to confirm'), {
      target: { value: 'OpenAI' },
    });
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Type OpenAI main to confirm'), {
      target: { value: 'OpenAI main' },
    });
    await userEvent.click(confirm);
    expect(
      await screen.findByText("No provider account 'openai-main'"),
    ).toBeInTheDocument();
    expect(onDeleted).not.toHaveBeenCalled();
    await userEvent.click(confirm);
    await waitFor(() => expect(onDeleted).toHaveBeenCalledTimes(1));
    expect(deleteAccount).toHaveBeenCalledWith('openai-main');
  });
});
