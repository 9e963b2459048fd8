import { ReactNode } from 'react';
import { MenuItem, TextField, TextFieldProps } from '@material-ui/core';

/** @internal */
export interface SelectOption {
  value: string;
  label: ReactNode;
}

/**
 * One option per value, labelled by `label` (usually its translation); for
 * selects and toggles alike.
 *
 * @internal
 */
export function optionsOf<V extends string, L>(
  values: readonly V[],
  label: (value: V) => L,
): Array<{ value: V; label: L }> {
  return values.map(value => ({ value, label: label(value) }));
}

/** @internal */
export type SelectFieldProps = Omit<
  TextFieldProps,
  'select' | 'value' | 'onChange' | 'children'
> & {
  value?: string;
  onChange: (value: string) => void;
  options: readonly SelectOption[];
  /** Adds a first option with the empty value, e.g. "Any". */
  anyLabel?: ReactNode;
};

/** A single-choice select as a text field, the way forms and filters use it. */
export function SelectField({
  value,
  onChange,
  options,
  anyLabel,
  ...rest
}: SelectFieldProps) {
  return (
    <TextField
      {...rest}
      select
      value={value}
      onChange={e => onChange(e.target.value)}
    >
      {anyLabel !== undefined && <MenuItem value="">{anyLabel}</MenuItem>}
      {options.map(option => (
        <MenuItem key={option.value} value={option.value}>
          {option.label}
        </MenuItem>
      ))}
    </TextField>
  );
}
