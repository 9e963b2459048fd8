import { useState } from 'react';
import {
  Checkbox,
  FormControlLabel,
  InputAdornment,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { CopyTextButton } from '@backstage/core-components';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import type {
  CreateProviderKeyResponse,
  ProviderAccountSummary,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { llmUsageApiRef } from '../../api';
import { useSubmit } from '../../hooks';
import { ActionDialog, DialogFields } from '../common';
import {
  AccountAndNameFields,
  ExpiresOnField,
  OwnerAndComponentPickers,
  expiresAtFromDay,
} from './KeyFormFields';

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
  const { t } = useTranslationRef(llmUsageTranslationRef);
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
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const accounts = accountsCreatingKeys(props.accounts);
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? '');
  const [name, setName] = useState('');
  const [ownerRef, setOwnerRef] = useState<string | null>(null);
  const [componentRef, setComponentRef] = useState<string | null>(null);
  const [expiresOn, setExpiresOn] = useState('');
  const [storeSecret, setStoreSecret] = useState(false);
  const [created, setCreated] = useState<CreateProviderKeyResponse>();

  const { submit, saving, error } = useSubmit(async () => {
    setCreated(
      await api.createProviderKey({
        accountId,
        name: name.trim(),
        ownerRef,
        componentRef,
        expiresAt: expiresAtFromDay(expiresOn),
        storeSecret,
      }),
    );
    onCreated();
  });

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
    <ActionDialog
      size="sm"
      onClose={onClose}
      title={t('keyCreate.title')}
      confirm={{
        label: t('keyCreate.confirm'),
        disabled: saving || !accountId || !name.trim(),
        onClick: submit,
      }}
    >
      <DialogFields>
        <AccountAndNameFields
          id="create"
          accounts={accounts}
          accountId={accountId}
          onAccountChange={setAccountId}
          name={name}
          onNameChange={setName}
        />
        <OwnerAndComponentPickers
          name="create"
          ownerRef={ownerRef}
          onOwnerChange={setOwnerRef}
          componentRef={componentRef}
          onComponentChange={setComponentRef}
        />
        <ExpiresOnField
          id="create-expires"
          value={expiresOn}
          onChange={setExpiresOn}
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={storeSecret}
              onChange={e => setStoreSecret(e.target.checked)}
            />
          }
          label={t('keyCreate.storeSecret')}
        />
        {error && <Alert severity="error">{error}</Alert>}
      </DialogFields>
    </ActionDialog>
  );
}
