import { TextField } from '@material-ui/core';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { ProviderAccountSummary } from '@llm-usage/backstage-plugin-llm-usage-common';
import { SelectField } from '../common';
import { DateTime } from 'luxon';
import { llmUsageTranslationRef } from '../../translation';
import { EntityPicker } from './OwnerPicker';

/**
 * The expiry a key form sends for the chosen day: the key stays valid through
 * the whole day in the viewer's zone; no day, no expiry.
 */
export function expiresAtFromDay(day: string): string | null {
  return day ? DateTime.fromISO(day).endOf('day').toUTC().toISO() : null;
}

/** The expiry day of a key, as the key forms edit it. */
export function ExpiresOnField(props: {
  id?: string;
  value: string;
  onChange: (day: string) => void;
}) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <TextField
      id={props.id}
      type="date"
      variant="outlined"
      size="small"
      label={t('keyWorkspace.columns.expires')}
      InputLabelProps={{ shrink: true }}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
    />
  );
}

/** A key's owner (Group or User) and component, as the key forms edit them. */
export function OwnerAndComponentPickers(props: {
  /** Prefix of the inputs' names, unique in the form. */
  name: string;
  ownerRef: string | null;
  onOwnerChange: (ref: string | null) => void;
  componentRef: string | null;
  onComponentChange: (ref: string | null) => void;
}) {
  const { name, ownerRef, onOwnerChange, componentRef, onComponentChange } =
    props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <>
      <EntityPicker
        name={`${name}-owner`}
        label={t('keyWorkspace.columns.owner')}
        value={ownerRef}
        onChange={onOwnerChange}
      />
      <EntityPicker
        name={`${name}-component`}
        label={t('keyWorkspace.columns.component')}
        kinds={['Component']}
        value={componentRef}
        onChange={onComponentChange}
      />
    </>
  );
}

/** The account a new key lands on and the key's name, as the key forms ask. */
export function AccountAndNameFields(props: {
  /** Prefix of the inputs' ids, unique in the form. */
  id: string;
  accounts: ProviderAccountSummary[];
  accountId: string;
  onAccountChange: (id: string) => void;
  name: string;
  onNameChange: (name: string) => void;
}) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <>
      <SelectField
        id={`${props.id}-account`}
        variant="outlined"
        size="small"
        label={t('keyWorkspace.columns.account')}
        value={props.accountId}
        onChange={props.onAccountChange}
        options={props.accounts.map(account => ({
          value: account.id,
          label: `${account.name} (${account.providerDisplayName})`,
        }))}
      />
      <TextField
        id={`${props.id}-name`}
        variant="outlined"
        size="small"
        label={t('keyWorkspace.columns.name')}
        value={props.name}
        onChange={e => props.onNameChange(e.target.value)}
      />
    </>
  );
}
