import { ReactNode, createContext, useContext } from 'react';

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
  return {
    dashboard: () => base || '/',
    project: (projectId: string) =>
      `${base}/projects/${encodeURIComponent(projectId)}`,
    activity: () => `${base}/activity`,
    alerts: () => `${base}/alerts`,
    keys: () => `${base}/keys`,
    reconciliation: () => `${base}/reconciliation`,
    settings: () => `${base}/settings`,
  };
}
