import { IconButton } from '@material-ui/core';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@material-ui/icons/KeyboardArrowUp';

/** @internal */
export interface RowExpandButtonProps {
  open: boolean;
  /** What the button does, for screen readers. */
  label: string;
  onToggle: () => void;
}

/**
 * Opens and closes a table row's details, the arrow pointing the way they
 * go next.
 */
export function RowExpandButton({
  open,
  label,
  onToggle,
}: RowExpandButtonProps) {
  return (
    <IconButton
      size="small"
      aria-label={label}
      aria-expanded={open}
      onClick={onToggle}
    >
      {open ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
    </IconButton>
  );
}
