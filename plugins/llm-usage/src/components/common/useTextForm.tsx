import { useState } from 'react';
import { TextInput, TextInputProps } from './TextInput';

/** @internal */
export type TextFormFieldOptions = Omit<
  TextInputProps,
  'value' | 'onChange' | 'label'
>;

/**
 * A dialog's form of text fields held by name: the values as typed, a change
 * of some of them, and `textField`, the input of one field (its id is
 * `<idPrefix>-<name>` unless the options give another).
 *
 * @internal
 */
export function useTextForm<F extends Record<string, string>>(
  idPrefix: string,
  initial: F,
) {
  const [form, setForm] = useState(initial);
  const change = (patch: Partial<F>) =>
    setForm(current => ({ ...current, ...patch }));
  const textField = (
    name: keyof F & string,
    label: string,
    options: TextFormFieldOptions = {},
  ) => (
    <TextInput
      id={`${idPrefix}-${name}`}
      label={label}
      value={form[name]}
      // A date input shows its own placeholder: the label stays above it.
      InputLabelProps={options.type === 'date' ? { shrink: true } : undefined}
      onChange={value => change({ [name]: value } as Partial<F>)}
      {...options}
    />
  );
  return { form, change, textField };
}
