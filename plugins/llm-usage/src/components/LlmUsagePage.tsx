import { Route, Routes, useParams, useResolvedPath } from 'react-router-dom';
import { ActivityPage } from './activity';
import { AlertsPage } from './alerts/AlertsPage';
import { BasePathProvider } from './common';
import { DashboardPage } from './dashboard/DashboardPage';
import { KeysPage } from './keys/KeysPage';
import { ProjectDetailPage } from './project/ProjectDetailPage';
import { ReconciliationPage } from './reconciliation';
import { SettingsPage } from './settings/SettingsPage';
import { useReportLanguage } from '../hooks/useReportLanguage';

function ProjectDetailRoute() {
  const { projectId = '' } = useParams();
  // A new project is a new page: nothing (paging, expanded rows) carries over.
  return <ProjectDetailPage key={projectId} projectId={projectId} />;
}

/**
 * Everything under the plugin's mount point: the dashboard at the root and a
 * page per project below it.
 *
 * @internal
 */
export function LlmUsageRouter() {
  const base = useResolvedPath('').pathname;
  useReportLanguage();
  return (
    <BasePathProvider base={base}>
      <Routes>
        <Route path="/" element={<DashboardPage />} />
        <Route path="/projects/:projectId" element={<ProjectDetailRoute />} />
        <Route path="/activity" element={<ActivityPage />} />
        <Route path="/alerts" element={<AlertsPage />} />
        <Route path="/keys" element={<KeysPage />} />
        <Route path="/reconciliation" element={<ReconciliationPage />} />
        <Route path="/settings/*" element={<SettingsPage />} />
      </Routes>
    </BasePathProvider>
  );
}

export { LlmUsageRouter as LlmUsagePage };
