import { ReactNode } from 'react';
import type { ProviderAccountSummary } from '@llm-usage/backstage-plugin-llm-usage-common';
import { SelectField, SubmitDialog, TextInput } from '../common';
import {
  ExpiresOnField,
  KeyOwnershipForm,
  OwnerAndComponentPickers,
  ownershipRequest,
  useKeyForm,
} from './KeyFormFields';
import { useLocalization } from '../../hooks';

/** A new key as the API takes it: its account, name and ownership. */
export type NewKeyRequest = ReturnType<typeof ownershipRequest> & {
  accountId: string;
  name: string;
};

/**
 * A dialog adding a key to one of some accounts: the account and the name,
 * the fields only this dialog asks (`fields`), then the owner, component
 * and expiry, and anything after them (`children`).
 */
export function NewKeyDialog(props: {
  /** Prefix of the inputs' ids and names, unique on the page. */
  id: string;
  /** The accounts offered, the first chosen to begin with. */
  accounts: ProviderAccountSummary[];
  title: string;
  confirmLabel: string;
  onClose: () => void;
  /** Sends the key; a failure's message is shown in the dialog. */
  onSubmit: (request: NewKeyRequest) => Promise<unknown>;
  fields?: ReactNode;
  children?: ReactNode;
}) {
  const { id, accounts, title, confirmLabel, onClose, onSubmit } = props;
  const { t } = useLocalization();
  const [form, change] = useKeyForm<
    KeyOwnershipForm & { accountId: string; name: string }
  >({
    accountId: accounts[0]?.id ?? '',
    name: '',
    ownerRef: null,
    componentRef: null,
    expiresOn: '',
  });
  const name = form.name.trim();
  return (
    <SubmitDialog
      size="sm"
      onClose={onClose}
      title={title}
      confirmLabel={confirmLabel}
      ready={!!form.accountId && !!name}
      onSubmit={() =>
        onSubmit({ accountId: form.accountId, name, ...ownershipRequest(form) })
      }
    >
      <SelectField
        id={`${id}-account`}
        variant="outlined"
        size="small"
        label={t('keyWorkspace.columns.account')}
        value={form.accountId}
        onChange={accountId => change({ accountId })}
        options={accounts.map(account => ({
          value: account.id,
          label: `${account.name} (${account.providerDisplayName})`,
        }))}
      />
      <TextInput
        id={`${id}-name`}
        label={t('keyWorkspace.columns.name')}
        value={form.name}
        onChange={value => change({ name: value })}
      />
      {props.fields}
      <OwnerAndComponentPickers name={id} form={form} onChange={change} />
      <ExpiresOnField
        id={`${id}-expires`}
        value={form.expiresOn}
        onChange={expiresOn => change({ expiresOn })}
      />
      {props.children}
    </SubmitDialog>
  );
}
