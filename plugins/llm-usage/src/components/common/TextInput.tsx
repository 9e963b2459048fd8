import { TextField, TextFieldProps } from '@material-ui/core';

/** @internal */
export type TextInputProps = Omit<
  TextFieldProps,
  'value' | 'onChange' | 'variant' | 'size' | 'select'
> & {
  value: string;
  /** The typed text. */
  onChange: (value: string) => void;
};

/** A dialog's or filter's text field: outlined, small, reporting the text typed. */
export function TextInput({ value, onChange, ...rest }: TextInputProps) {
  return (
    <TextField
      {...rest}
      variant="outlined"
      size="small"
      value={value}
      onChange={e => onChange(e.target.value)}
    />
  );
}
