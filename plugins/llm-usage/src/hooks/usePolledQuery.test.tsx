import { act, renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { ReactNode } from 'react';
import { usePolledQuery, type PolledQueryOptions } from './usePolledQuery';

/** A signals API a test can publish on, as the signals backend would. */
function mockSignals() {
  type Listener = (message: Record<string, unknown>) => void;
  const listeners = new Map<string, Set<Listener>>();
  const api: SignalApi = {
    subscribe: (channel, onMessage) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(onMessage as Listener);
      listeners.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage as Listener) };
    },
  };
  const publish = (channel: string, message: Record<string, unknown>) =>
    act(() => listeners.get(channel)?.forEach(listener => listener(message)));
  return { api, publish, listeners };
}

function renderQuery(
  signals: ReturnType<typeof mockSignals> | undefined,
  options: PolledQueryOptions = {},
) {
  let loads = 0;
  const load = jest.fn(async () => ++loads);
  const wrapper = ({ children }: { children: ReactNode }) =>
    signals ? (
      <TestApiProvider apis={[[signalApiRef, signals.api]]}>
        {children}
      </TestApiProvider>
    ) : (
      <TestApiProvider apis={[]}>{children}</TestApiProvider>
    );
  const hook = renderHook(() => usePolledQuery(load, 'key', options), {
    wrapper,
  });
  return { hook, load };
}

describe('usePolledQuery', () => {
  it('reloads silently as soon as the backend signals new calls', async () => {
    const signals = mockSignals();
    const { hook, load } = renderQuery(signals);
    await waitFor(() => expect(hook.result.current.value).toBe(1));
    expect(signals.listeners.get('llm-usage')?.size).toBe(1);

    signals.publish('llm-usage', { type: 'calls', projectIds: ['alpha'] });
    // Silent: the view keeps its value and never shows progress.
    expect(hook.result.current.loading).toBe(false);
    await waitFor(() => expect(hook.result.current.value).toBe(2));
    expect(load).toHaveBeenCalledTimes(2);

    // Other messages on the channel are not about calls.
    signals.publish('llm-usage', { type: 'alerts' });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('coalesces a burst of signals into one reload', async () => {
    const signals = mockSignals();
    const { hook, load } = renderQuery(signals);
    await waitFor(() => expect(hook.result.current.value).toBe(1));
    signals.publish('llm-usage', { type: 'calls', projectIds: ['a'] });
    signals.publish('llm-usage', { type: 'calls', projectIds: ['b'] });
    signals.publish('llm-usage', { type: 'calls' });
    await waitFor(() => expect(hook.result.current.value).toBe(2));
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('ignores signals about other projects when it shows one project', async () => {
    const signals = mockSignals();
    const { hook, load } = renderQuery(signals, { signalProjectId: 'alpha' });
    await waitFor(() => expect(hook.result.current.value).toBe(1));
    signals.publish('llm-usage', { type: 'calls', projectIds: ['beta'] });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(load).toHaveBeenCalledTimes(1);
    // A signal naming no projects may concern any.
    signals.publish('llm-usage', { type: 'calls' });
    await waitFor(() => expect(load).toHaveBeenCalledTimes(2));
  });

  it('keeps polling as the fallback without the signals plugin', async () => {
    const { hook, load } = renderQuery(undefined, { pollIntervalMs: 30 });
    await waitFor(() => expect(load.mock.calls.length).toBeGreaterThan(2));
    expect(hook.result.current.value).toBeGreaterThan(1);
    expect(hook.result.current.loading).toBe(false);
    hook.unmount();
  });
});
