import { ReactNode } from 'react';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  makeStyles,
} from '@material-ui/core';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  fields: {
    display: 'grid',
    gap: theme.spacing(2),
    paddingTop: theme.spacing(1),
  },
}));

/** A dialog's form fields, one under the other. */
export function DialogFields(props: { children: ReactNode }) {
  const classes = useStyles();
  return <Box className={classes.fields}>{props.children}</Box>;
}

/** @internal */
export interface ActionDialogConfirm {
  label: ReactNode;
  onClick: () => void;
  disabled?: boolean;
  /** Deletes or otherwise destroys something: the secondary colour. */
  destructive?: boolean;
}

/** @internal */
export interface ActionDialogProps {
  title: ReactNode;
  children?: ReactNode;
  onClose: () => void;
  /** Full width up to this size; without it, the dialog fits its content. */
  size?: 'xs' | 'sm' | 'md';
  /** The main action; without one, the dialog only has a Close button. */
  confirm?: ActionDialogConfirm;
  /** Replaces the default Cancel (or Close) label. */
  cancelLabel?: ReactNode;
  open?: boolean;
}

/**
 * The one shape of every dialog in the plugin: a title, the content, and
 * Cancel plus one main action (or only Close for a read-only dialog).
 */
export function ActionDialog({
  title,
  children,
  onClose,
  size,
  confirm,
  cancelLabel,
  open = true,
}: ActionDialogProps) {
  const { t } = useLocalization();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth={size}
      fullWidth={size !== undefined}
    >
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>{children}</DialogContent>
      <DialogActions>
        {confirm ? (
          <>
            <Button onClick={onClose}>
              {cancelLabel ?? t('keyWorkspace.dialog.cancel')}
            </Button>
            <Button
              color={confirm.destructive ? 'secondary' : 'primary'}
              variant="contained"
              disabled={confirm.disabled}
              onClick={confirm.onClick}
            >
              {confirm.label}
            </Button>
          </>
        ) : (
          <Button onClick={onClose} color="primary">
            {cancelLabel ?? t('keyWorkspace.dialog.close')}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
