import {
  CALL_EXPORT_COLUMNS,
  fileSafe,
  projectExportColumns,
  rangeLabel,
} from '../export/usageExports';
import {
  parseCallExportQuery,
  parseProjectExportQuery,
  parseProjectId,
} from './queryParsers';
import { type ExportServices, streamRecordedExport } from './exportServices';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';
import { requestCredentials } from './requestCaller';

export type ExportRouterOptions = ExportServices &
  Pick<RouterContext, 'httpAuth' | 'visibility' | 'usage'>;

/**
 * CSV and XLSX downloads of the usage views, with the same filters, sort and
 * visibility as the JSON endpoints they mirror.
 */
export const createExportRouter = specRouter(
  (router, options: ExportRouterOptions) => {
    const { httpAuth, visibility, usage } = options;

    const credentialsOf = requestCredentials(httpAuth);

    router.get('/usage/projects/export', async (req, res) => {
      const { format, ...filters } = parseProjectExportQuery(req.query);
      const credentials = await credentialsOf(req);
      // The list is aggregated in memory anyway (one row per project); the
      // currencies present decide the cost columns.
      const projects = await usage.sortedProjects(
        await visibility.scopeFor(credentials),
        filters,
      );
      await streamRecordedExport(options, credentials, req, res, {
        action: 'usage.export',
        targetType: 'export',
        targetId: 'usage-projects',
        details: { filters },
        format,
        filename: `llm-usage-projects_${rangeLabel(filters)}`,
        sheetName: 'Projects',
        columns: projectExportColumns(projects),
        rows: projects,
      });
    });

    router.get('/usage/projects/:projectId/calls/export', async (req, res) => {
      const projectId = parseProjectId(req.params.projectId);
      const { format, ...filters } = parseCallExportQuery(req.query);
      const credentials = await credentialsOf(req);
      await streamRecordedExport(options, credentials, req, res, {
        action: 'usage.export',
        targetType: 'project',
        targetId: projectId,
        details: { export: 'calls', filters },
        format,
        filename: `llm-usage-calls_${fileSafe(projectId)}_${rangeLabel(
          filters,
        )}`,
        sheetName: 'Calls',
        columns: CALL_EXPORT_COLUMNS,
        rows: usage.allProjectCalls(
          await visibility.scopeFor(credentials),
          projectId,
          filters,
        ),
      });
    });
  },
);
