import express from 'express';
import { streamTableExport } from '../export/tableExport';
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
import type { ExportServices } from './exportServices';
import {
  createSpecValidatedRouter,
  type SpecRouter,
} from '../schema/specValidatedRouter';
import type { RouterContext } from './routerContext';

export type ExportRouterOptions = ExportServices &
  Pick<RouterContext, 'httpAuth' | 'visibility' | 'usage'>;

/**
 * CSV and XLSX downloads of the usage views, with the same filters, sort and
 * visibility as the JSON endpoints they mirror.
 */
export async function createExportRouter(
  options: ExportRouterOptions,
): Promise<SpecRouter> {
  const { httpAuth, visibility, usage, logger, audit, recipientLanguages } =
    options;
  const router = await createSpecValidatedRouter();

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/usage/projects/export', async (req, res) => {
    const { format, ...filters } = parseProjectExportQuery(req.query);
    const credentials = await credentialsOf(req);
    // The list is aggregated in memory anyway (one row per project); the
    // currencies present decide the cost columns.
    const projects = await usage.sortedProjects(
      await visibility.scopeFor(credentials),
      filters,
    );
    // Recorded before the first byte: a download cut short was still taken.
    await audit.record({
      actor: credentials,
      action: 'usage.export',
      targetType: 'export',
      targetId: 'usage-projects',
      after: { format, filters },
      request: req,
      severityLevel: 'low',
    });
    await streamTableExport(res, {
      format,
      filename: `llm-usage-projects_${rangeLabel(filters)}`,
      sheetName: 'Projects',
      columns: projectExportColumns(projects),
      rows: projects,
      reader: await recipientLanguages.translatorForCaller(credentials),
      logger,
    });
  });

  router.get('/usage/projects/:projectId/calls/export', async (req, res) => {
    const projectId = parseProjectId(req.params.projectId);
    const { format, ...filters } = parseCallExportQuery(req.query);
    const credentials = await credentialsOf(req);
    // Recorded before the first byte: a download cut short was still taken.
    await audit.record({
      actor: credentials,
      action: 'usage.export',
      targetType: 'project',
      targetId: projectId,
      after: { format, export: 'calls', filters },
      request: req,
      severityLevel: 'low',
    });
    await streamTableExport(res, {
      format,
      filename: `llm-usage-calls_${fileSafe(projectId)}_${rangeLabel(filters)}`,
      sheetName: 'Calls',
      columns: CALL_EXPORT_COLUMNS,
      rows: usage.allProjectCalls(
        await visibility.scopeFor(credentials),
        projectId,
        filters,
      ),
      reader: await recipientLanguages.translatorForCaller(credentials),
      logger,
    });
  });

  return router;
}
