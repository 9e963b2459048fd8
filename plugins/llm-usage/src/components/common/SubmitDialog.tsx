import { ReactNode } from 'react';
import Alert from '@material-ui/lab/Alert';
import { useSubmit } from '../../hooks/useSubmit';
import { ActionDialog, DialogFields } from './ActionDialog';

/** @internal */
export interface SubmitDialogProps {
  title: ReactNode;
  size?: 'xs' | 'sm' | 'md';
  onClose: () => void;
  /** The main action's label. */
  confirmLabel: ReactNode;
  /** Deletes something: the secondary colour. */
  destructive?: boolean;
  /** Whether the form is complete; the main action waits for it. */
  ready: boolean;
  /** Sends the form; a failure's message is shown under the fields. */
  onSubmit: () => Promise<unknown>;
  /** The form's fields, one under the other. */
  children: ReactNode;
  /** Shown under the failure's message, e.g. a dry run's report. */
  below?: ReactNode;
}

/**
 * A dialog whose main action sends a form to the backend: one submission at
 * a time, and the backend's message (which names the wrong field) under the
 * fields when it fails.
 */
export function SubmitDialog(props: SubmitDialogProps) {
  const { confirmLabel, destructive, ready, onSubmit, children, below } = props;
  const { submit, saving, error } = useSubmit(onSubmit);
  return (
    <ActionDialog
      title={props.title}
      size={props.size}
      onClose={props.onClose}
      confirm={{
        label: confirmLabel,
        destructive,
        disabled: saving || !ready,
        onClick: submit,
      }}
    >
      <DialogFields>
        {children}
        {error && <Alert severity="error">{error}</Alert>}
        {below}
      </DialogFields>
    </ActionDialog>
  );
}
