import { useState } from 'react';
import { useNotifiedRun } from './useNotify';

/**
 * The state of a settings list whose items are changed one dialog at a
 * time: what is being edited (`TEditing`, e.g. `{ mode: 'edit'; entry }`),
 * a reload token for the list's query, and `run`, which shows the outcome
 * of a change and, once it succeeded, closes the dialog and reloads.
 */
export function useEditableList<TEditing>(failed: (error: string) => string) {
  const [reloadToken, setReloadToken] = useState(0);
  const [editing, setEditing] = useState<TEditing>();
  const reload = () => setReloadToken(n => n + 1);
  const close = () => setEditing(undefined);
  const { run, busy } = useNotifiedRun(failed, () => {
    close();
    reload();
  });
  return { reloadToken, reload, editing, setEditing, close, run, busy };
}
