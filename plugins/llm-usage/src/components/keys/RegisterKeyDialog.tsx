import { useState } from 'react';
import { TextField } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import type { ProviderAccountSummary } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { llmUsageApiRef } from '../../api';
import { useNotify, useSubmit } from '../../hooks';
import { ActionDialog, DialogFields } from '../common';
import {
  AccountAndNameFields,
  ExpiresOnField,
  OwnerAndComponentPickers,
  expiresAtFromDay,
} from './KeyFormFields';

/**
 * Registers a key by hand, for providers whose API cannot list keys
 * (Volcengine). The secret is optional and write-only: it is stored
 * encrypted and only its masked hint is shown afterwards.
 */
export function RegisterKeyDialog(props: {
  accounts: ProviderAccountSummary[];
  onClose: () => void;
  onRegistered: () => void;
}) {
  const { accounts, onClose, onRegistered } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  // Accounts that cannot list their keys come first: they need this most.
  const sorted = [...accounts].sort(
    (a, b) =>
      Number(b.manualKeyRegistration) - Number(a.manualKeyRegistration) ||
      a.name.localeCompare(b.name),
  );
  const [accountId, setAccountId] = useState(sorted[0]?.id ?? '');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [providerKeyId, setProviderKeyId] = useState('');
  const [ownerRef, setOwnerRef] = useState<string | null>(null);
  const [componentRef, setComponentRef] = useState<string | null>(null);
  const [expiresOn, setExpiresOn] = useState('');

  const { submit, saving, error } = useSubmit(async () => {
    await api.registerKey({
      accountId,
      name: name.trim(),
      ...(secret ? { secret } : {}),
      ...(providerKeyId.trim() ? { providerKeyId: providerKeyId.trim() } : {}),
      ownerRef,
      componentRef,
      expiresAt: expiresAtFromDay(expiresOn),
    });
    notify.success(t('keyWorkspace.register.done', { name: name.trim() }));
    onRegistered();
  });

  return (
    <ActionDialog
      size="sm"
      onClose={onClose}
      title={t('keyWorkspace.register.title')}
      confirm={{
        label: t('keyWorkspace.register.confirm'),
        disabled: saving || !accountId || !name.trim(),
        onClick: submit,
      }}
    >
      <DialogFields>
        <AccountAndNameFields
          id="register"
          accounts={sorted}
          accountId={accountId}
          onAccountChange={setAccountId}
          name={name}
          onNameChange={setName}
        />
        <TextField
          id="register-secret"
          variant="outlined"
          size="small"
          type="password"
          autoComplete="new-password"
          label={t('keyWorkspace.register.secret')}
          helperText={t('keyWorkspace.register.secretHelp')}
          value={secret}
          onChange={e => setSecret(e.target.value)}
        />
        <TextField
          id="register-provider-key-id"
          variant="outlined"
          size="small"
          label={t('keyWorkspace.detail.providerKeyId')}
          helperText={t('keyWorkspace.register.providerKeyIdHelp')}
          value={providerKeyId}
          onChange={e => setProviderKeyId(e.target.value)}
        />
        <OwnerAndComponentPickers
          name="register"
          ownerRef={ownerRef}
          onOwnerChange={setOwnerRef}
          componentRef={componentRef}
          onComponentChange={setComponentRef}
        />
        <ExpiresOnField
          id="register-expires"
          value={expiresOn}
          onChange={setExpiresOn}
        />
        {error && <Alert severity="error">{error}</Alert>}
      </DialogFields>
    </ActionDialog>
  );
}
