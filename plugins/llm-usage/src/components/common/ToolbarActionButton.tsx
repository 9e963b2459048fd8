import { Button, type SvgIcon } from '@material-ui/core';

/** An action in a card's toolbar: a small outlined button with an icon. */
export function ToolbarActionButton(props: {
  label: string;
  icon: typeof SvgIcon;
  onClick: () => void;
  /** The action the toolbar is for: the primary colour. */
  primary?: boolean;
  disabled?: boolean;
}) {
  const { label, icon: Icon, onClick, primary, disabled } = props;
  return (
    <Button
      size="small"
      variant="outlined"
      color={primary ? 'primary' : 'default'}
      startIcon={<Icon />}
      disabled={disabled}
      onClick={onClick}
    >
      {label}
    </Button>
  );
}
