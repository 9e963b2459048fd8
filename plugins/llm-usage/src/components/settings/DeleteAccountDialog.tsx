import { useState } from 'react';
import { DialogContentText, TextField } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import type { ProviderAccountSummary } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { llmUsageApiRef } from '../../api';
import { useNotify, useSubmit } from '../../hooks';
import { ActionDialog, DialogFields } from '../common';

/**
 * Deletes a provider account entered in the app: its credentials and its
 * keys leave the inventory (nothing is deleted at the provider). The name is
 * typed again to confirm, as the action cannot be undone. Audited by the
 * backend, which also checks the caller may manage the account.
 */
export function DeleteAccountDialog(props: {
  account: ProviderAccountSummary;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { account, onClose, onDeleted } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const [typed, setTyped] = useState('');
  const { submit, saving, error } = useSubmit(async () => {
    await api.deleteAccount(account.id);
    notify.success(t('keyWorkspace.accounts.deleted', { name: account.name }));
    onDeleted();
  });
  return (
    <ActionDialog
      size="sm"
      onClose={onClose}
      title={t('keyWorkspace.accounts.deleteTitle', { name: account.name })}
      confirm={{
        label: t('keyWorkspace.accounts.deleteConfirm'),
        destructive: true,
        disabled: saving || typed.trim() !== account.name,
        onClick: submit,
      }}
    >
      <DialogFields>
        <DialogContentText>
          {t('keyWorkspace.accounts.deleteWarning', {
            keys: String(account.keyCount),
          })}
        </DialogContentText>
        <TextField
          id="delete-account-name"
          variant="outlined"
          size="small"
          label={t('keyWorkspace.accounts.deleteTypeName', {
            name: account.name,
          })}
          value={typed}
          onChange={e => setTyped(e.target.value)}
        />
        {error && <Alert severity="error">{error}</Alert>}
      </DialogFields>
    </ActionDialog>
  );
}
