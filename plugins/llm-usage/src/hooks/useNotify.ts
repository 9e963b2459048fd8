import { useMemo } from 'react';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';

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

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
