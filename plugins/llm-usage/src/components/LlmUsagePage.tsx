import { Route, Routes, useResolvedPath } from 'react-router-dom';
import { BasePathProvider } from './common';
import { DashboardPage } from './dashboard/DashboardPage';

/**
 * Everything under the plugin's mount point: the dashboard at the root and a
 * page per project below it.
 *
 * @internal
 */
export function LlmUsageRouter() {
  const base = useResolvedPath('').pathname;
  return (
    <BasePathProvider base={base}>
      <Routes>
        <Route path="/" element={<DashboardPage />} />
      </Routes>
    </BasePathProvider>
  );
}

export { LlmUsageRouter as LlmUsagePage };
