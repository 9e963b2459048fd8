import { useState } from 'react';
import { DialogContentText } from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ProviderAccountSummary } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { useNotify, useLocalization } from '../../hooks';
import { SubmitDialog, TextInput } from '../common';

/**
 * Deletes a provider account entered in the app: its credentials and its
 * keys leave the inventory (nothing is deleted at the provider). The name is
 * typed again to confirm, as the action cannot be undone. Audited by the
 * backend, which also checks the caller may manage the account.
 */
export function DeleteAccountDialog({
  account,
  onClose,
  onDeleted,
}: {
  account: ProviderAccountSummary;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const [typed, setTyped] = useState('');
  const remove = async () => {
    await api.deleteAccount(account.id);
    notify.success(t('keyWorkspace.accounts.deleted', { name: account.name }));
    onDeleted();
  };
  return (
    <SubmitDialog
      size="sm"
      onClose={onClose}
      title={t('keyWorkspace.accounts.deleteTitle', { name: account.name })}
      confirmLabel={t('keyWorkspace.accounts.deleteConfirm')}
      destructive
      ready={typed.trim() === account.name}
      onSubmit={remove}
    >
      <DialogContentText>
        {t('keyWorkspace.accounts.deleteWarning', {
          keys: String(account.keyCount),
        })}
      </DialogContentText>
      <TextInput
        id="delete-account-name"
        label={t('keyWorkspace.accounts.deleteTypeName', {
          name: account.name,
        })}
        value={typed}
        onChange={setTyped}
      />
    </SubmitDialog>
  );
}
