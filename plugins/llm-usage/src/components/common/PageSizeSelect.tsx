import { useState } from 'react';
import {
  Box,
  InputBase,
  MenuItem,
  Select,
  Typography,
} from '@material-ui/core';

// MUI names a Select by the id of its label; each select gets its own.
let nextLabelId = 0;

/** @internal */
export interface PageSizeSelectProps {
  /** "Rows per page", translated. */
  label: string;
  value: string;
  options: readonly string[];
  onChange: (size: string) => void;
}

/**
 * "Rows per page 25 ▾" before the paging buttons of a list: the label beside
 * the select, as under MUI's paged tables (a floating label above a select as
 * narrow as "25" broke onto several lines).
 */
export function PageSizeSelect({
  label,
  value,
  options,
  onChange,
}: PageSizeSelectProps) {
  const [labelId] = useState(() => `llm-usage-page-size-${nextLabelId++}`);
  return (
    <Box
      display="flex"
      alignItems="center"
      mr={2}
      style={{ gap: 8 }}
      data-testid="page-size"
    >
      <Typography variant="body2" id={labelId} style={{ whiteSpace: 'nowrap' }}>
        {label}
      </Typography>
      <Select
        labelId={labelId}
        value={value}
        onChange={e => onChange(String(e.target.value))}
        input={<InputBase />}
      >
        {options.map(option => (
          <MenuItem key={option} value={option}>
            {option}
          </MenuItem>
        ))}
      </Select>
    </Box>
  );
}
