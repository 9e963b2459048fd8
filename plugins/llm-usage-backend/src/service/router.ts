import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { LlmUsageInfoResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import type { CallStore } from '../database/CallStore';
import type { RollupStore } from '../rollup/RollupStore';
import { parseCallBatch } from '../ingest/callSchema';
import {
  createSpecValidatedRouter,
  type SpecRouter,
} from '../schema/specValidatedRouter';
import type { UsageService } from '../usage/UsageService';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';
import {
  parseCallListQuery,
  parseProjectId,
  parseProjectListQuery,
  parseProjectTrendsQuery,
  parseRangeQuery,
  parseUsageTrendsQuery,
} from './queryParsers';
import { jsonBody } from './rejectNulCharacters';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  visibility: VisibilityResolver;
  usage: UsageService;
  calls: CallStore;
  rollups: RollupStore;
  maxBatchSize: number;
  demoDataEnabled: boolean;
}

export async function createRouter(
  options: RouterOptions,
): Promise<SpecRouter> {
  const { httpAuth, auditor, visibility, usage, calls, rollups } = options;
  const router = await createSpecValidatedRouter({
    bodyParser: jsonBody({ limit: '20mb' }),
    // Ingestion checks each call with the schema and bounds the gateway
    // adapters share, before it asks who sent them (services only).
    bodiesCheckedByRoute: ['/calls'],
  });

  const scopeOf = async (req: express.Request) =>
    visibility.scopeFor(
      await httpAuth.credentials(req, { allow: ['user', 'service'] }),
    );

  // Ingestion is for gateways and other plugins, never for a user's browser.
  router.post('/calls', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const batch = parseCallBatch(req.body, options.maxBatchSize);
    const event = await auditor.createEvent({
      eventId: 'calls-ingest',
      severityLevel: 'low',
      request: req,
      meta: { calls: batch.length },
    });
    try {
      const result = await calls.ingest(batch);
      await event.success({ meta: { ...result } });
      res.json(result);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/info', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { rolledUntil } = await rollups.getState();
    const body: LlmUsageInfoResponse = {
      demoDataEnabled: options.demoDataEnabled,
      rolledUntil: rolledUntil ? new Date(rolledUntil).toISOString() : null,
    };
    res.json(body);
  });

  router.get('/usage/overview', async (req, res) => {
    const range = parseRangeQuery(req.query);
    res.json(await usage.overview(await scopeOf(req), range));
  });

  router.get('/usage/projects', async (req, res) => {
    const query = parseProjectListQuery(req.query);
    res.json(await usage.projectList(await scopeOf(req), query));
  });

  router.get('/usage/trends', async (req, res) => {
    const query = parseUsageTrendsQuery(req.query);
    res.json(await usage.trends(await scopeOf(req), query));
  });

  router.get('/usage/projects/:projectId/stats', async (req, res) => {
    const projectId = parseProjectId(req.params.projectId);
    const range = parseRangeQuery(req.query);
    res.json(await usage.projectStats(await scopeOf(req), projectId, range));
  });

  router.get('/usage/projects/:projectId/trends', async (req, res) => {
    const projectId = parseProjectId(req.params.projectId);
    const query = parseProjectTrendsQuery(req.query);
    res.json(await usage.projectTrends(await scopeOf(req), projectId, query));
  });

  router.get('/usage/projects/:projectId/models', async (req, res) => {
    const projectId = parseProjectId(req.params.projectId);
    const range = parseRangeQuery(req.query);
    res.json(await usage.projectModels(await scopeOf(req), projectId, range));
  });

  router.get('/usage/projects/:projectId/calls', async (req, res) => {
    const projectId = parseProjectId(req.params.projectId);
    const query = parseCallListQuery(req.query);
    res.json(await usage.projectCalls(await scopeOf(req), projectId, query));
  });

  return router;
}
