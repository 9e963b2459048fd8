import { useState } from 'react';
import {
  Checkbox,
  FormControlLabel,
  InputAdornment,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  CreateProviderKeyResponse,
  ProviderAccountSummary,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { ActionDialog, DialogFields } from '../common';
import { NewKeyDialog, NewKeyRequest } from './NewKeyDialog';
import { useLocalization } from '../../hooks';

/** Accounts whose provider can create keys through its admin API. */
export function accountsCreatingKeys(
  accounts: ProviderAccountSummary[],
): ProviderAccountSummary[] {
  return accounts
    .filter(account => account.capabilities.includes('keys.create'))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The new key's secret, shown this once; closing the dialog forgets it. */
function OneTimeSecret(props: { created: CreateProviderKeyResponse }) {
  const { created } = props;
  const { t } = useLocalization();
  return (
    <DialogFields>
      <Alert severity="warning" data-testid="one-time-secret-warning">
        {t('keyCreate.secretOnce', { name: created.key.name })}
      </Alert>
      <TextField
        id="created-secret"
        variant="outlined"
        size="small"
        label={t('keyCreate.secret')}
        value={created.secret}
        InputProps={{
          readOnly: true,
          endAdornment: (
            <InputAdornment position="end">
              <CopyTextButton
                text={created.secret}
                tooltipText={t('keyCreate.copied')}
                aria-label={t('keyCreate.copy')}
              />
            </InputAdornment>
          ),
        }}
        inputProps={{ 'data-testid': 'created-secret' }}
      />
    </DialogFields>
  );
}

/**
 * Creates a key at the provider (where its admin API allows) and registers
 * it. The provider returns the secret once: it is shown here once, with a
 * copy button, and never again — closing the dialog drops it, and the
 * inventory keeps only the masked hint (and the encrypted secret, if asked).
 */
export function CreateAtProviderDialog(props: {
  accounts: ProviderAccountSummary[];
  onClose: () => void;
  onCreated: () => void;
}) {
  const { onClose, onCreated } = props;
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const accounts = accountsCreatingKeys(props.accounts);
  const [storeSecret, setStoreSecret] = useState(false);
  const [created, setCreated] = useState<CreateProviderKeyResponse>();

  const create = async (request: NewKeyRequest) => {
    setCreated(await api.createProviderKey({ ...request, storeSecret }));
    onCreated();
  };

  if (created) {
    return (
      <ActionDialog
        size="sm"
        onClose={onClose}
        title={t('keyCreate.createdTitle', { name: created.key.name })}
        cancelLabel={t('keyCreate.done')}
      >
        <OneTimeSecret created={created} />
      </ActionDialog>
    );
  }

  return (
    <NewKeyDialog
      id="create"
      accounts={accounts}
      title={t('keyCreate.title')}
      confirmLabel={t('keyCreate.confirm')}
      onClose={onClose}
      onSubmit={create}
    >
      <FormControlLabel
        control={
          <Checkbox
            checked={storeSecret}
            onChange={e => setStoreSecret(e.target.checked)}
          />
        }
        label={t('keyCreate.storeSecret')}
      />
    </NewKeyDialog>
  );
}
