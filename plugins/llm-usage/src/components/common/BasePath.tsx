import { ReactNode, createContext, useContext } from 'react';
import { RangeSelection, rangeSearch } from '../../hooks';

const BasePathContext = createContext<string>('');

/** @internal */
export function BasePathProvider(props: { base: string; children: ReactNode }) {
  return (
    <BasePathContext.Provider value={props.base.replace(/\/+$/, '')}>
      {props.children}
    </BasePathContext.Provider>
  );
}

/**
 * Paths inside the plugin, relative to wherever the app mounted it, so the
 * same pages work in legacy and new-frontend-system apps.
 *
 * @internal
 */
export function useLlmUsagePaths() {
  const base = useContext(BasePathContext);
  // The usage pages can carry the viewer's range to the next one.
  const showing = (range?: RangeSelection) => (range ? rangeSearch(range) : '');
  return {
    dashboard: (range?: RangeSelection) => `${base || '/'}${showing(range)}`,
    project: (projectId: string, range?: RangeSelection) =>
      `${base}/projects/${encodeURIComponent(projectId)}${showing(range)}`,
    activity: () => `${base}/activity`,
    alerts: () => `${base}/alerts`,
    keys: () => `${base}/keys`,
    reconciliation: () => `${base}/reconciliation`,
    settings: () => `${base}/settings`,
  };
}
