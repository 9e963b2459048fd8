import { useState } from 'react';
import { TextInput } from '../common';
import { DateTime } from 'luxon';
import { EntityPicker } from './OwnerPicker';
import { useLocalization } from '../../hooks';

/** A key's owner, component and expiry, as the key forms edit them. */
export interface KeyOwnershipForm {
  ownerRef: string | null;
  componentRef: string | null;
  /** The expiry day (`yyyy-MM-dd` in the viewer's zone); empty for none. */
  expiresOn: string;
}

/** A change of some of a form's fields. */
export type FormChange<T> = (patch: Partial<T>) => void;

/** A key form's values, and how to change some of them. */
export function useKeyForm<T extends KeyOwnershipForm>(
  initial: T,
): [T, FormChange<T>] {
  const [form, setForm] = useState(initial);
  return [form, patch => setForm(current => ({ ...current, ...patch }))];
}

/**
 * The expiry a key form sends for the chosen day: the key stays valid through
 * the whole day in the viewer's zone; no day, no expiry.
 */
export function expiresAtFromDay(day: string): string | null {
  return day ? DateTime.fromISO(day).endOf('day').toUTC().toISO() : null;
}

/** The ownership fields as the API takes them. */
export function ownershipRequest(form: KeyOwnershipForm) {
  return {
    ownerRef: form.ownerRef,
    componentRef: form.componentRef,
    expiresAt: expiresAtFromDay(form.expiresOn),
  };
}

/** The expiry day of a key, as the key forms edit it. */
export function ExpiresOnField(props: {
  id: string;
  value: string;
  onChange: (day: string) => void;
}) {
  const { t } = useLocalization();
  return (
    <TextInput
      id={props.id}
      type="date"
      label={t('keyWorkspace.columns.expires')}
      InputLabelProps={{ shrink: true }}
      value={props.value}
      onChange={props.onChange}
    />
  );
}

/** A key's owner (Group or User) and component, as the key forms edit them. */
export function OwnerAndComponentPickers(props: {
  /** Prefix of the inputs' names, unique in the form. */
  name: string;
  form: Pick<KeyOwnershipForm, 'ownerRef' | 'componentRef'>;
  onChange: FormChange<KeyOwnershipForm>;
}) {
  const { name, form, onChange } = props;
  const { t } = useLocalization();
  return (
    <>
      <EntityPicker
        name={`${name}-owner`}
        label={t('keyWorkspace.columns.owner')}
        value={form.ownerRef}
        onChange={ownerRef => onChange({ ownerRef })}
      />
      <EntityPicker
        name={`${name}-component`}
        label={t('keyWorkspace.columns.component')}
        kinds={['Component']}
        value={form.componentRef}
        onChange={componentRef => onChange({ componentRef })}
      />
    </>
  );
}
