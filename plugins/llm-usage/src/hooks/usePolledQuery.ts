import { useSignal } from '@backstage/plugin-signals-react';
import {
  LLM_USAGE_SIGNAL_CHANNEL,
  type LlmUsageCallsSignal,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Signals of a busy gateway may come every second; a view reloads at most
 * this often because of them (the last one within the window is honoured).
 */
export const SIGNAL_REFRESH_GAP_MS = 2000;

/**
 * What a polled view holds: the last value, the last error and whether a load
 * the user asked for runs.
 *
 * @public
 */
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
  /**
   * Reload only for signals about this project (or about unnamed projects);
   * without it, any signal of new calls reloads the view.
   */
  signalProjectId?: string;
}

/**
 * Loads data for a key and keeps it fresh: at once when the backend signals
 * new calls (with the signals plugin installed), and by polling, which stays
 * as the fallback when signals are not available or a signal is lost.
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
  const { pollIntervalMs, signalProjectId } = options;
  const loadRef = useRef(load);
  loadRef.current = load;
  const refreshRef = useRef<() => void>();
  const { lastSignal } = useSignal<LlmUsageCallsSignal>(
    LLM_USAGE_SIGNAL_CHANNEL,
  );
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<PolledQueryState<T>, 'retry'>>({
    loading: true,
  });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let signalTimer: ReturnType<typeof setTimeout> | undefined;
    let pollDue = false;
    let lastSignalRefresh = 0;

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
      clearTimeout(timer);
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

    refreshRef.current = () => {
      if (signalTimer) {
        return; // a refresh is already on its way
      }
      const wait = Math.max(
        0,
        lastSignalRefresh + SIGNAL_REFRESH_GAP_MS - Date.now(),
      );
      signalTimer = setTimeout(() => {
        signalTimer = undefined;
        lastSignalRefresh = Date.now();
        if (document.visibilityState === 'hidden') {
          pollDue = true;
          return;
        }
        run(true);
      }, wait);
    };

    document.addEventListener('visibilitychange', onVisibilityChange);
    setState(previous => ({ value: previous.value, loading: true }));
    run(false);

    return () => {
      controller.abort();
      clearTimeout(timer);
      clearTimeout(signalTimer);
      refreshRef.current = undefined;
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [key, attempt, pollIntervalMs]);

  useEffect(() => {
    if (lastSignal?.type !== 'calls') {
      return;
    }
    const { projectIds } = lastSignal;
    if (
      signalProjectId &&
      projectIds &&
      !projectIds.includes(signalProjectId)
    ) {
      return;
    }
    refreshRef.current?.();
  }, [lastSignal, signalProjectId]);

  const retry = useCallback(() => setAttempt(n => n + 1), []);
  return { ...state, retry };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
