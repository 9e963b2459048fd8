import { ReactNode } from 'react';
import { Button, DialogContentText } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import { ActionDialog } from './ActionDialog';

/** The Add button in the toolbar of a settings list. */
export function AddButton(props: {
  label: string;
  onClick: () => void;
  disabled?: boolean;
}) {
  return (
    <Button
      color="primary"
      variant="outlined"
      size="small"
      startIcon={<AddIcon />}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.label}
    </Button>
  );
}

/** Asks before deleting an item of a list: the warning, Cancel and Delete. */
export function ConfirmDeleteDialog(props: {
  title: string;
  /** The Delete button's label. */
  label: string;
  warning: ReactNode;
  busy: boolean;
  onDelete: () => void;
  onClose: () => void;
}) {
  return (
    <ActionDialog
      onClose={props.onClose}
      title={props.title}
      confirm={{
        label: props.label,
        destructive: true,
        disabled: props.busy,
        onClick: props.onDelete,
      }}
    >
      <DialogContentText>{props.warning}</DialogContentText>
    </ActionDialog>
  );
}
