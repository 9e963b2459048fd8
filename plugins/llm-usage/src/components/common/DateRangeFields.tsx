import { TextField } from '@material-ui/core';

/** ISO dates (yyyy-mm-dd), either bound open. */
export interface DateRange {
  from?: string;
  to?: string;
}

/** @internal */
export interface DateRangeFieldsProps {
  labels: { from: string; to: string };
  value: DateRange;
  /** The bound that was typed; an empty string when its field is cleared. */
  onChange: (change: { from: string } | { to: string }) => void;
  className?: string;
  /** Test ids of the two inputs. */
  testIds?: { from: string; to: string };
}

/** Two date inputs, from and to, where from may not pass to. */
export function DateRangeFields(props: DateRangeFieldsProps) {
  const { labels, value, onChange, className, testIds } = props;
  const fields = [
    { name: 'from', bound: { max: value.to } },
    { name: 'to', bound: { min: value.from } },
  ] as const;
  return (
    <>
      {fields.map(({ name, bound }) => (
        <TextField
          key={name}
          type="date"
          size="small"
          variant="outlined"
          label={labels[name]}
          className={className}
          InputLabelProps={{ shrink: true }}
          value={value[name] ?? ''}
          inputProps={{ ...bound, 'data-testid': testIds?.[name] }}
          onChange={e =>
            onChange(
              name === 'from'
                ? { from: e.target.value }
                : { to: e.target.value },
            )
          }
        />
      ))}
    </>
  );
}
