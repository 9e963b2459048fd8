import { useEffect, useRef, useState } from 'react';
import { InputAdornment, TextField } from '@material-ui/core';
import SearchIcon from '@material-ui/icons/Search';

/** @internal */
export interface SearchFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Waits this long after the last keystroke before searching. */
  debounceMs?: number;
}

/** A search box that reports its value once typing pauses. */
export function SearchField({
  label,
  value,
  onChange,
  debounceMs = 300,
}: SearchFieldProps) {
  const [text, setText] = useState(value);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // Follow outside changes, e.g. browser back to a URL with another search.
  useEffect(() => setText(value), [value]);

  useEffect(() => {
    if (text === value) {
      return undefined;
    }
    const timer = setTimeout(() => onChangeRef.current(text), debounceMs);
    return () => clearTimeout(timer);
  }, [text, value, debounceMs]);

  return (
    <TextField
      size="small"
      variant="outlined"
      label={label}
      value={text}
      onChange={e => setText(e.target.value)}
      InputProps={{
        startAdornment: (
          <InputAdornment position="start">
            <SearchIcon fontSize="small" />
          </InputAdornment>
        ),
      }}
      inputProps={{ 'aria-label': label }}
    />
  );
}
