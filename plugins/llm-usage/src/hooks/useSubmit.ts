import { useState } from 'react';
import { errorMessage } from './useNotify';

/** @internal */
export interface Submit {
  /** Runs the action; a failure's message lands in `error`. */
  submit: () => Promise<void>;
  /** True while the action runs; a form disables its button meanwhile. */
  saving: boolean;
  error?: string;
}

/**
 * A dialog's save button: one action at a time, and the backend's message
 * (which names the wrong field) kept to show next to the form.
 */
export function useSubmit(action: () => Promise<unknown>): Submit {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };
  return { submit, saving, error };
}
