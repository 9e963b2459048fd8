import { IconButton, Tooltip, type SvgIcon } from '@material-ui/core';

/** @internal */
export interface IconActionProps {
  /** The tooltip. */
  title: string;
  /** The accessible name; names the row's item where there are many rows. */
  label: string;
  icon: typeof SvgIcon;
  onClick: () => void;
  /** Set (true or false) on actions that can be disabled. */
  disabled?: boolean;
}

/** A small icon button with a tooltip, as in the action column of a table. */
export function IconAction({
  title,
  label,
  icon: Icon,
  onClick,
  disabled,
}: IconActionProps) {
  const button = (
    <IconButton
      size="small"
      aria-label={label}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon fontSize="small" />
    </IconButton>
  );
  return (
    <Tooltip title={title}>
      {/* A disabled button fires no events: the span keeps the tooltip working. */}
      {disabled === undefined ? button : <span>{button}</span>}
    </Tooltip>
  );
}
