import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  ListItemText,
  MenuItem,
  TextField,
  makeStyles,
} from '@material-ui/core';
import {
  API_KEY_STATUSES,
  KEY_EXPIRY_STATES,
  KeyTag,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateRangeFields, SearchField } from '../common';
import { KeyFilters, hasActiveFilters } from './keyFilters';
import { EntityMultiPicker } from './OwnerPicker';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    alignItems: 'center',
  },
  select: {
    minWidth: 150,
    maxWidth: 260,
  },
  owner: {
    minWidth: 220,
    maxWidth: 360,
    flexGrow: 1,
  },
  date: {
    width: 160,
  },
  amount: {
    width: 140,
  },
}));

/** Month usage bounds: tokens are whole, cost a decimal in the key's currency. */
const MONTH_USAGE_BOUNDS = [
  { field: 'minMonthTokens', step: 1 },
  { field: 'maxMonthTokens', step: 1 },
  { field: 'minMonthCost', step: 0.01 },
  { field: 'maxMonthCost', step: 0.01 },
] as const;

interface MultiSelectProps {
  label: string;
  testId: string;
  value: string[];
  options: Array<{ value: string; label: string }>;
  onChange: (value: string[]) => void;
}

function MultiSelect({
  label,
  testId,
  value,
  options,
  onChange,
}: MultiSelectProps) {
  const classes = useStyles();
  const labels = new Map(options.map(o => [o.value, o.label]));
  return (
    <TextField
      select
      // An id ties the label to the select, which then has an accessible name.
      id={testId}
      size="small"
      variant="outlined"
      label={label}
      className={classes.select}
      value={value}
      SelectProps={{
        multiple: true,
        renderValue: selected =>
          (selected as string[]).map(v => labels.get(v) ?? v).join(', '),
      }}
      inputProps={{ 'data-testid': testId }}
      onChange={e => onChange(e.target.value as unknown as string[])}
    >
      {options.map(option => (
        <MenuItem key={option.value} value={option.value} dense>
          <Checkbox size="small" checked={value.includes(option.value)} />
          <ListItemText primary={option.label} />
        </MenuItem>
      ))}
    </TextField>
  );
}

/** @internal */
export interface KeyFiltersBarProps {
  filters: KeyFilters;
  onChange: (patch: Partial<KeyFilters>) => void;
  onClear: () => void;
  /** Providers to filter by: id and display name. */
  providers: Array<{ id: string; name: string }>;
  /** Accounts to filter by: id and name. */
  accounts: Array<{ id: string; name: string }>;
  tags: KeyTag[];
}

/** Search and every filter of the key list; all of it ends up in the URL. */
export function KeyFiltersBar({
  filters,
  onChange,
  onClear,
  providers,
  accounts,
  tags,
}: KeyFiltersBarProps) {
  const classes = useStyles();
  const { t } = useLocalization();

  const statuses = API_KEY_STATUSES.map(id => ({
    id,
    name: t(`keyWorkspace.status.${id}`),
  }));
  const expiryStates = KEY_EXPIRY_STATES.map(id => ({
    id,
    name: t(`keyWorkspace.expiryStates.${id}`),
  }));

  // One multi-select per list filter: its values are ids, shown by name.
  const listFilter = (
    field: 'providers' | 'accountIds' | 'statuses' | 'expiry' | 'tagIds',
    label: 'provider' | 'account' | 'status' | 'expiry' | 'tags',
    testId: string,
    options: Array<{ id: string; name: string }>,
  ) => (
    <MultiSelect
      label={t(`keyWorkspace.filters.${label}`)}
      testId={testId}
      value={filters[field]}
      options={options.map(o => ({ value: o.id, label: o.name }))}
      onChange={value => onChange({ [field]: value })}
    />
  );

  return (
    <Box className={classes.root} data-testid="key-filters">
      <SearchField
        label={t('keyWorkspace.filters.search')}
        value={filters.q}
        onChange={q => onChange({ q })}
      />
      {listFilter('providers', 'provider', 'filter-provider', providers)}
      {listFilter('accountIds', 'account', 'filter-account', accounts)}
      <Box className={classes.owner}>
        <EntityMultiPicker
          name="owner-filter"
          label={t('keyWorkspace.filters.owner')}
          value={filters.ownerRefs}
          onChange={value => onChange({ ownerRefs: value })}
        />
      </Box>
      {listFilter('statuses', 'status', 'filter-status', statuses)}
      {listFilter('expiry', 'expiry', 'filter-expiry', expiryStates)}
      {listFilter('tagIds', 'tags', 'filter-tag', tags)}
      <DateRangeFields
        labels={{
          from: t('keyWorkspace.filters.createdFrom'),
          to: t('keyWorkspace.filters.createdTo'),
        }}
        className={classes.date}
        value={{ from: filters.createdFrom, to: filters.createdTo }}
        onChange={bound =>
          onChange(
            'from' in bound
              ? { createdFrom: bound.from || undefined }
              : { createdTo: bound.to || undefined },
          )
        }
        testIds={{ from: 'created-from', to: 'created-to' }}
      />
      {MONTH_USAGE_BOUNDS.map(({ field, step }) => (
        <TextField
          key={field}
          id={`filter-${field}`}
          type="number"
          size="small"
          variant="outlined"
          label={t(`keyWorkspace.filters.${field}`)}
          className={classes.amount}
          InputLabelProps={{ shrink: true }}
          value={filters[field] ?? ''}
          inputProps={{ min: 0, step, 'data-testid': `filter-${field}` }}
          onChange={e => onChange({ [field]: e.target.value || undefined })}
        />
      ))}
      <FormControlLabel
        control={
          <Checkbox
            checked={filters.orphaned}
            onChange={e => onChange({ orphaned: e.target.checked })}
          />
        }
        label={t('keyWorkspace.filters.orphaned')}
      />
      <Button
        onClick={onClear}
        disabled={!hasActiveFilters(filters)}
        color="primary"
      >
        {t('keyWorkspace.filters.clear')}
      </Button>
    </Box>
  );
}
