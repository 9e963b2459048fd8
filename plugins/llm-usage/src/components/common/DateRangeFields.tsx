import { TextField } from '@material-ui/core';

/** @internal */
export interface DateRangeFieldsProps {
  fromLabel: string;
  toLabel: string;
  /** ISO dates (yyyy-mm-dd); each field keeps the other's bound. */
  from?: string;
  to?: string;
  /** The typed value; an empty string when the field is cleared. */
  onFromChange: (value: string) => void;
  onToChange: (value: string) => void;
  className?: string;
  /** Test ids of the two inputs. */
  testIds?: { from: string; to: string };
}

/** Two date inputs, from and to, where from may not pass to. */
export function DateRangeFields(props: DateRangeFieldsProps) {
  const { fromLabel, toLabel, from, to, className, testIds } = props;
  const fields = [
    {
      name: 'from',
      label: fromLabel,
      value: from,
      bound: { max: to },
      testId: testIds?.from,
      onChange: props.onFromChange,
    },
    {
      name: 'to',
      label: toLabel,
      value: to,
      bound: { min: from },
      testId: testIds?.to,
      onChange: props.onToChange,
    },
  ];
  return (
    <>
      {fields.map(field => (
        <TextField
          key={field.name}
          type="date"
          size="small"
          variant="outlined"
          label={field.label}
          className={className}
          InputLabelProps={{ shrink: true }}
          value={field.value ?? ''}
          inputProps={{ ...field.bound, 'data-testid': field.testId }}
          onChange={e => field.onChange(e.target.value)}
        />
      ))}
    </>
  );
}
