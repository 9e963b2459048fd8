import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  CreateProviderKeyResponse,
  ImportKeysRequest,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { ReactElement } from 'react';
import {
  TestApiProvider,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { LlmUsageApi, llmUsageApiRef } from '../../api';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { CreateAtProviderDialog } from './CreateAtProviderDialog';
import { ImportKeysDialog } from './ImportKeysDialog';
import { account, apiKey } from './testData';

jest.setTimeout(30_000);

/** The key forms pick owners from the catalog. */
function renderWithCatalog(element: ReactElement, api: LlmUsageApi) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, api],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ]}
    >
      {element}
    </TestApiProvider>,
  );
}

const CSV = [
  'accountId,name,providerKeyId,ownerRef',
  'openai-main,ci-bot,key_1,group:default/platform',
  'openai-main,,key_2,',
  'openai-main,batch,key_3,group:default/data',
].join('\n');

describe('ImportKeysDialog', () => {
  it('checks the rows with a dry run first, then imports the same text', async () => {
    const importKeys = jest.fn(async (request: ImportKeysRequest) => ({
      dryRun: request.dryRun ?? false,
      created: 1,
      updated: 1,
      failed: 1,
      rows: [
        {
          row: 1,
          outcome: 'created' as const,
          keyId: request.dryRun ? undefined : 'k-new',
        },
        { row: 2, outcome: 'failed' as const, error: 'name: Required' },
        { row: 3, outcome: 'updated' as const, keyId: 'k-3' },
      ],
    }));
    const api = mockLlmUsageApi({ importKeys });
    const onImported = jest.fn();
    renderWithApi(
      <ImportKeysDialog onClose={jest.fn()} onImported={onImported} />,
      { api },
    );
    const check = screen.getByRole('button', { name: 'Check (dry run)' });
    expect(check).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Rows to import'), {
      target: { value: CSV },
    });
    await userEvent.click(check);

    const preview = await screen.findByTestId('import-preview');
    expect(importKeys).toHaveBeenLastCalledWith({
      format: 'csv',
      content: CSV,
      dryRun: true,
    });
    expect(preview).toHaveTextContent(
      'Dry run: 1 would be created, 1 updated, 1 refused. Nothing was written.',
    );
    expect(within(preview).getByTestId('import-row-1')).toHaveTextContent(
      'Would be created',
    );
    expect(within(preview).getByTestId('import-row-2')).toHaveTextContent(
      'name: Required',
    );
    expect(within(preview).getByTestId('import-row-3')).toHaveTextContent(
      'Would be updated',
    );
    expect(onImported).not.toHaveBeenCalled();

    await userEvent.click(
      screen.getByRole('button', { name: 'Import 2 rows' }),
    );
    const result = await screen.findByTestId('import-result');
    expect(importKeys).toHaveBeenCalledTimes(2);
    expect(importKeys).toHaveBeenLastCalledWith({
      format: 'csv',
      content: CSV,
      dryRun: false,
    });
    expect(within(result).getByTestId('import-row-1')).toHaveTextContent(
      'k-new',
    );
    expect(onImported).toHaveBeenCalledTimes(1);
  });

  it('asks for a new dry run when the text changes after one', async () => {
    const importKeys = jest.fn(async () => ({
      dryRun: true,
      created: 1,
      updated: 0,
      failed: 0,
      rows: [{ row: 1, outcome: 'created' as const }],
    }));
    renderWithApi(
      <ImportKeysDialog onClose={jest.fn()} onImported={jest.fn()} />,
      {
        api: mockLlmUsageApi({ importKeys }),
      },
    );
    await userEvent.click(screen.getByRole('button', { name: 'JSON' }));
    fireEvent.change(screen.getByLabelText('Rows to import'), {
      target: { value: '[{"accountId":"a","name":"x"}]' },
    });
    await userEvent.click(
      screen.getByRole('button', { name: 'Check (dry run)' }),
    );
    expect(await screen.findByTestId('import-preview')).toBeInTheDocument();
    expect(importKeys).toHaveBeenLastCalledWith(
      expect.objectContaining({ format: 'json', dryRun: true }),
    );
    fireEvent.change(screen.getByLabelText('Rows to import'), {
      target: { value: '[{"accountId":"a","name":"y"}]' },
    });
    expect(screen.queryByTestId('import-preview')).toBeNull();
    expect(
      screen.getByRole('button', { name: 'Check (dry run)' }),
    ).toBeEnabled();
  });
  it("keeps a reason's quoted names whole and shows key ids as ids", async () => {
    // On a phone a reason wraps between its words, never inside
    // 'demo-openrouter'; a key id is code that may break anywhere.
    const importKeys = jest.fn(async () => ({
      dryRun: true,
      created: 0,
      updated: 1,
      failed: 1,
      rows: [
        {
          row: 1,
          outcome: 'failed' as const,
          error: "No provider account 'demo-openrouter'",
        },
        {
          row: 2,
          outcome: 'updated' as const,
          keyId: '871f9c57-c60e-4ae3-a070-8c4eb1358cb3',
        },
      ],
    }));
    renderWithApi(
      <ImportKeysDialog onClose={jest.fn()} onImported={jest.fn()} />,
      { api: mockLlmUsageApi({ importKeys }) },
    );
    fireEvent.change(screen.getByLabelText('Rows to import'), {
      target: { value: 'accountId,name\ndemo-openrouter,x' },
    });
    await userEvent.click(
      screen.getByRole('button', { name: 'Check (dry run)' }),
    );
    const preview = await screen.findByTestId('import-preview');
    const reason = within(
      within(preview).getByTestId('import-row-1'),
    ).getByText("'demo-openrouter'");
    expect(reason.tagName).toBe('SPAN');
    expect(getComputedStyle(reason).whiteSpace).toBe('nowrap');
    expect(within(preview).getByTestId('import-row-1')).toHaveTextContent(
      "No provider account 'demo-openrouter'",
    );
    const keyId = within(within(preview).getByTestId('import-row-2')).getByText(
      '871f9c57-c60e-4ae3-a070-8c4eb1358cb3',
    );
    expect(keyId.tagName).toBe('CODE');
  });
});

describe('CreateAtProviderDialog', () => {
  it('offers accounts that can create keys and shows the secret once', async () => {
    const created: CreateProviderKeyResponse = {
      key: apiKey('k-new', { name: 'deploy-bot' }),
      secret: 'sk-live-0123456789',
    };
    const createProviderKey = jest.fn(async () => created);
    const api = mockLlmUsageApi({ createProviderKey });
    const onClose = jest.fn();
    const onCreated = jest.fn();
    const accounts = [
      account('volc', {
        name: 'Ark',
        capabilities: ['balance'],
        providerDisplayName: 'Volcengine Ark',
      }),
      account('openrouter-main', {
        name: 'OpenRouter main',
        capabilities: ['keys.list', 'keys.create'],
        providerDisplayName: 'OpenRouter',
      }),
    ];
    const { unmount } = await renderWithCatalog(
      <CreateAtProviderDialog
        accounts={accounts}
        onClose={onClose}
        onCreated={onCreated}
      />,
      api,
    );
    // Only the account whose provider can create keys is offered.
    expect(screen.getByLabelText('Account')).toHaveTextContent(
      'OpenRouter main (OpenRouter)',
    );
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: ' deploy-bot ' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));

    const secret = await screen.findByTestId('created-secret');
    expect(secret).toHaveValue('sk-live-0123456789');
    expect(secret).toHaveAttribute('readonly');
    expect(screen.getByTestId('one-time-secret-warning')).toHaveTextContent(
      'shown this once and never again',
    );
    expect(createProviderKey).toHaveBeenCalledWith(
      expect.objectContaining({
        accountId: 'openrouter-main',
        name: 'deploy-bot',
        storeSecret: false,
      }),
    );
    expect(onCreated).toHaveBeenCalledTimes(1);

    await userEvent.click(
      screen.getByRole('button', { name: 'I have copied it' }),
    );
    expect(onClose).toHaveBeenCalled();
    unmount();
    // Opened again, the dialog starts empty: the secret is gone for good.
    await renderWithCatalog(
      <CreateAtProviderDialog
        accounts={accounts}
        onClose={onClose}
        onCreated={onCreated}
      />,
      api,
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Create' })).toBeDisabled(),
    );
    expect(screen.queryByTestId('created-secret')).toBeNull();
    expect(screen.queryByText('sk-live-0123456789')).toBeNull();
    expect(createProviderKey).toHaveBeenCalledTimes(1);
  });
});
