import { useState } from 'react';
import { Box, Typography, makeStyles } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  ProviderAccountSummary,
  ProviderInfo,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { useNotify, useLocalization } from '../../hooks';
import { SelectField, SubmitDialog, TextInput } from '../common';
import { EntityPicker } from '../keys/OwnerPicker';
import { TextFormFieldOptions, useTextForm } from '../common/useTextForm';

const useStyles = makeStyles(theme => ({
  schedule: {
    display: 'grid',
    gridTemplateColumns: '1fr 1fr',
    gap: theme.spacing(2),
  },
}));

/** A whole number of minutes, at least 1. */
const minutesOptions = (id: string): TextFormFieldOptions => ({
  id,
  type: 'number',
  inputProps: { min: 1 },
});

/**
 * Creates an account, or edits one created through the API. Credentials are
 * write-only: the form never shows stored values, an empty secret field
 * keeps what is stored, and only fields typed in are sent.
 */
export function AccountDialog({
  providers,
  account,
  onClose,
  onSaved,
}: {
  providers: ProviderInfo[];
  account?: ProviderAccountSummary;
  onClose: () => void;
  onSaved: () => void;
}) {
  const classes = useStyles();
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const [providerId, setProviderId] = useState(
    account?.provider ?? providers[0]?.id ?? '',
  );
  const {
    form: { name, usageEvery, keysEvery },
    textField,
  } = useTextForm('account', {
    name: account?.name ?? '',
    usageEvery: String(account?.schedule.usageEveryMinutes ?? 60),
    keysEvery: String(account?.schedule.keysEveryMinutes ?? 1440),
  });
  const [ownerRef, setOwnerRef] = useState(account?.ownerRef ?? null);
  const [credentials, setCredentials] = useState<Record<string, string>>({});

  const provider = providers.find(p => p.id === providerId);
  const typed = Object.fromEntries(
    Object.entries(credentials).filter(([, value]) => value.trim() !== ''),
  );
  const missingRequired =
    !account &&
    (provider?.credentialFields ?? []).some(
      field => field.required && !typed[field.name],
    );
  const schedule = {
    usageEveryMinutes: Number(usageEvery),
    keysEveryMinutes: Number(keysEvery),
  };
  const scheduleValid =
    Number.isInteger(schedule.usageEveryMinutes) &&
    schedule.usageEveryMinutes > 0 &&
    Number.isInteger(schedule.keysEveryMinutes) &&
    schedule.keysEveryMinutes > 0;

  const save = async () => {
    if (account) {
      await api.updateAccount(account.id, {
        name: name.trim(),
        ownerRef,
        schedule,
        ...(Object.keys(typed).length > 0 ? { credentials: typed } : {}),
      });
    } else {
      await api.createAccount({
        provider: providerId,
        name: name.trim(),
        ownerRef,
        credentials: typed,
        schedule,
      });
    }
    notify.success(t('keyWorkspace.accounts.saved', { name: name.trim() }));
    onSaved();
  };

  return (
    <SubmitDialog
      size="sm"
      onClose={onClose}
      title={
        account
          ? t('keyWorkspace.accounts.editTitle', { name: account.name })
          : t('keyWorkspace.accounts.addTitle')
      }
      confirmLabel={t('keyWorkspace.detail.save')}
      ready={!!name.trim() && !!providerId && !missingRequired && scheduleValid}
      onSubmit={save}
    >
      <SelectField
        id="account-provider"
        label={t('keyWorkspace.accounts.columns.provider')}
        variant="outlined"
        size="small"
        value={providerId}
        disabled={!!account}
        onChange={value => {
          setProviderId(value);
          setCredentials({});
        }}
        inputProps={{ 'data-testid': 'account-provider' }}
        options={providers.map(p => ({ value: p.id, label: p.displayName }))}
      />
      {provider?.manualKeyRegistration && (
        <Alert severity="info">
          {t('keyWorkspace.accounts.manualKeysNote', {
            provider: provider.displayName,
          })}
        </Alert>
      )}
      {textField('name', t('keyWorkspace.accounts.columns.name'))}
      <EntityPicker
        name="account-owner"
        label={t('keyWorkspace.accounts.columns.owner')}
        value={ownerRef}
        onChange={setOwnerRef}
      />
      <Typography variant="subtitle2">
        {t('keyWorkspace.accounts.credentials')}
      </Typography>
      <Typography variant="caption" color="textSecondary">
        {account
          ? t('keyWorkspace.accounts.credentialsKeep')
          : t('keyWorkspace.accounts.credentialsWriteOnly')}
      </Typography>
      {(provider?.credentialFields ?? []).map(field => (
        <TextInput
          key={field.name}
          id={`account-credential-${field.name}`}
          label={field.label}
          type={field.secret ? 'password' : 'text'}
          autoComplete="new-password"
          required={field.required && !account}
          value={credentials[field.name] ?? ''}
          placeholder={
            account?.credentialsSet.includes(field.name)
              ? t('keyWorkspace.accounts.credentialSet')
              : undefined
          }
          InputLabelProps={
            account?.credentialsSet.includes(field.name)
              ? { shrink: true }
              : undefined
          }
          onChange={value =>
            setCredentials({ ...credentials, [field.name]: value })
          }
        />
      ))}
      <Box className={classes.schedule}>
        {textField(
          'usageEvery',
          t('keyWorkspace.accounts.usageEvery'),
          minutesOptions('account-usage-every'),
        )}
        {textField(
          'keysEvery',
          t('keyWorkspace.accounts.keysEvery'),
          minutesOptions('account-keys-every'),
        )}
      </Box>
    </SubmitDialog>
  );
}
