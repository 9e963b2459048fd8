import { useMemo, useState } from 'react';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { errorMessage } from '../lib/errors';

/** @internal */
export interface Notify {
  /** A confirmation that goes away by itself. */
  success: (message: string) => void;
  /** A failure; it stays until the user closes it. */
  error: (message: string) => void;
}

/** The plugin's two kinds of toast, so every page posts them alike. */
export function useNotify(): Notify {
  const alertApi = useApi(alertApiRef);
  return useMemo(
    () => ({
      success: message =>
        alertApi.post({ message, severity: 'success', display: 'transient' }),
      error: message => alertApi.post({ message, severity: 'error' }),
    }),
    [alertApi],
  );
}

export { errorMessage };

/**
 * Runs one change at a time from a settings list: on success the `done`
 * message is shown and `onDone` runs (close the dialog, reload); a failure is
 * shown as `failed(message)`. `busy` is true meanwhile.
 */
export function useNotifiedRun(
  failed: (error: string) => string,
  onDone: () => void,
) {
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await action();
      notify.success(done);
      onDone();
    } catch (error) {
      notify.error(failed(errorMessage(error)));
    } finally {
      setBusy(false);
    }
  };
  return { run, busy };
}
