import { useCallback, useEffect, useRef, useState } from 'react';

/** @internal */
export interface PolledQueryState<T> {
  /** The last value loaded for the current key; kept while a new key loads. */
  value?: T;
  /** Set when the last non-silent load failed. */
  error?: Error;
  /** True while a load that the user asked for (first load, new key, retry) runs. */
  loading: boolean;
  /** Loads again, showing progress; for retry buttons. */
  retry: () => void;
}

/** @internal */
export interface PolledQueryOptions {
  /**
   * Reload silently this often; undefined or 0 turns polling off. Polling waits
   * while the document is hidden and catches up once it is visible again.
   */
  pollIntervalMs?: number;
}

/**
 * Loads data for a key and, optionally, keeps it fresh by polling.
 *
 * A poll never flips `loading` and a failed poll keeps the last good value, so
 * the view does not flash and nothing it holds (expanded rows, scroll, paging)
 * is reset. `load` is read at call time, so it may compute a moving time range.
 *
 * @internal
 */
export function usePolledQuery<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
  options: PolledQueryOptions = {},
): PolledQueryState<T> {
  const { pollIntervalMs } = options;
  const loadRef = useRef(load);
  loadRef.current = load;
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<PolledQueryState<T>, 'retry'>>({
    loading: true,
  });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let pollDue = false;

    async function run(silent: boolean) {
      try {
        const value = await loadRef.current(controller.signal);
        if (!controller.signal.aborted) {
          setState({ value, loading: false });
        }
      } catch (error) {
        if (controller.signal.aborted) {
          return;
        }
        if (!silent) {
          setState({ error: toError(error), loading: false });
        }
        // A failed poll keeps what is on screen; the next poll tries again.
      } finally {
        schedule();
      }
    }

    function schedule() {
      if (!pollIntervalMs || controller.signal.aborted) {
        return;
      }
      timer = setTimeout(() => {
        if (document.visibilityState === 'hidden') {
          pollDue = true;
          return;
        }
        run(true);
      }, pollIntervalMs);
    }

    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible' && pollDue) {
        pollDue = false;
        run(true);
      }
    };

    document.addEventListener('visibilitychange', onVisibilityChange);
    setState(previous => ({ value: previous.value, loading: true }));
    run(false);

    return () => {
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [key, attempt, pollIntervalMs]);

  const retry = useCallback(() => setAttempt(n => n + 1), []);
  return { ...state, retry };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
