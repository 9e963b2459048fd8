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
  return (
    <>
      <TextField
        type="date"
        size="small"
        variant="outlined"
        label={fromLabel}
        className={className}
        InputLabelProps={{ shrink: true }}
        value={from ?? ''}
        inputProps={{ max: to, 'data-testid': testIds?.from }}
        onChange={e => props.onFromChange(e.target.value)}
      />
      <TextField
        type="date"
        size="small"
        variant="outlined"
        label={toLabel}
        className={className}
        InputLabelProps={{ shrink: true }}
        value={to ?? ''}
        inputProps={{ min: from, 'data-testid': testIds?.to }}
        onChange={e => props.onToChange(e.target.value)}
      />
    </>
  );
}
