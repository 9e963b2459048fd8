import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { streamTableExport } from '../export/tableExport';
import {
  CALL_EXPORT_COLUMNS,
  fileSafe,
  projectExportColumns,
  rangeLabel,
} from '../export/usageExports';
import type { UsageService } from '../usage/UsageService';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';
import {
  parseCallExportQuery,
  parseProjectExportQuery,
  parseProjectId,
} from './queryParsers';

export interface ExportRouterOptions {
  httpAuth: HttpAuthService;
  visibility: VisibilityResolver;
  usage: UsageService;
  logger: LoggerService;
}

/**
 * CSV and XLSX downloads of the usage views, with the same filters, sort and
 * visibility as the JSON endpoints they mirror.
 */
export async function createExportRouter(
  options: ExportRouterOptions,
): Promise<express.Router> {
  const { httpAuth, visibility, usage, logger } = options;
  const router = Router();

  const scopeOf = async (req: express.Request) =>
    visibility.scopeFor(
      await httpAuth.credentials(req, { allow: ['user', 'service'] }),
    );

  router.get('/usage/projects/export', async (req, res) => {
    const query = parseProjectExportQuery(req.query);
    // The list is aggregated in memory anyway (one row per project); the
    // currencies present decide the cost columns.
    const projects = await usage.sortedProjects(await scopeOf(req), query);
    await streamTableExport(res, {
      format: query.format,
      filename: `llm-usage-projects_${rangeLabel(query)}`,
      sheetName: 'Projects',
      columns: projectExportColumns(projects),
      rows: projects,
      logger,
    });
  });

  router.get('/usage/projects/:projectId/calls/export', async (req, res) => {
    const projectId = parseProjectId(req.params.projectId);
    const query = parseCallExportQuery(req.query);
    await streamTableExport(res, {
      format: query.format,
      filename: `llm-usage-calls_${fileSafe(projectId)}_${rangeLabel(query)}`,
      sheetName: 'Calls',
      columns: CALL_EXPORT_COLUMNS,
      rows: usage.allProjectCalls(await scopeOf(req), projectId, query),
      logger,
    });
  });

  return router;
}
