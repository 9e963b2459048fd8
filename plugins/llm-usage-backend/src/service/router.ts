import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { LlmUsageInfoResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import type express from 'express';
import type { CallStore } from '../database/CallStore';
import type { RollupStore } from '../rollup/RollupStore';
import { parseCallBatch } from '../ingest/callSchema';
import { specRouter } from './specRouter';
import type { UsageSources } from '../providerUsage/UsageSources';
import type { UsageService } from '../usage/UsageService';
import type { VisibilityScope } from '../database/types';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';
import {
  parseBreakdownQuery,
  parseCallListQuery,
  parseProjectId,
  parseProjectListQuery,
  parseProjectTrendsQuery,
  parseRangeQuery,
  parseUsageTrendsQuery,
  takeSource,
} from './queryParsers';
import { jsonBody } from './rejectNulCharacters';
import { requestCredentials } from './requestCaller';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  visibility: VisibilityResolver;
  usage: UsageService;
  /** The overview, trends and project list from either source. */
  usageSources: UsageSources;
  calls: CallStore;
  rollups: RollupStore;
  maxBatchSize: number;
  demoDataEnabled: boolean;
}

export const createRouter = specRouter(
  {
    bodyParser: jsonBody({ limit: '20mb' }),
    // Ingestion checks each call with the schema and bounds the gateway
    // adapters share, before it asks who sent them (services only).
    bodiesCheckedByRoute: ['/calls'],
  },
  (router, options: RouterOptions) => {
    const {
      httpAuth,
      auditor,
      visibility,
      usage,
      usageSources: sources,
      calls,
      rollups,
    } = options;

    const credentialsOf = requestCredentials(httpAuth);
    const scopeOf = async (req: express.Request) =>
      visibility.scopeFor(await credentialsOf(req));

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
      await credentialsOf(req);
      const { rolledUntil } = await rollups.getState();
      const body: LlmUsageInfoResponse = {
        demoDataEnabled: options.demoDataEnabled,
        rolledUntil: rolledUntil ? new Date(rolledUntil).toISOString() : null,
      };
      res.json(body);
    });

    // Recorded calls, or provider reports with `source` (see UsageSources).
    router.get('/usage/overview', async (req, res) => {
      const { source, rest } = takeSource(req.query);
      const range = parseRangeQuery(rest);
      res.json(await sources.overview(await credentialsOf(req), range, source));
    });

    router.get('/usage/projects', async (req, res) => {
      const { source, rest } = takeSource(req.query);
      const query = parseProjectListQuery(rest);
      res.json(
        await sources.projectList(await credentialsOf(req), query, source),
      );
    });

    router.get('/usage/trends', async (req, res) => {
      const { source, rest } = takeSource(req.query);
      const query = parseUsageTrendsQuery(rest);
      res.json(await sources.trends(await credentialsOf(req), query, source));
    });

    router.get('/usage/provider/breakdown', async (req, res) => {
      const { by, from, to } = parseBreakdownQuery(req.query);
      res.json(
        await sources.breakdown(await credentialsOf(req), { from, to }, by),
      );
    });

    // A project's reads: its id from the path, its own query, the caller's scope.
    const projectRead =
      <Query>(
        parse: (query: unknown) => Query,
        read: (
          usage: UsageService,
          scope: VisibilityScope,
          projectId: string,
          query: Query,
        ) => Promise<unknown>,
        { aggregates }: { aggregates: boolean } = { aggregates: true },
      ) =>
      async (
        req: express.Request<{ projectId: string }>,
        res: express.Response,
      ) => {
        const projectId = parseProjectId(req.params.projectId);
        const query = parse(req.query);
        // The rollup state is read while the caller is authorized.
        const reading = aggregates ? usage.readingStateAhead() : usage;
        res.json(await read(reading, await scopeOf(req), projectId, query));
      };

    router.get(
      '/usage/projects/:projectId/stats',
      projectRead(parseRangeQuery, (reading, ...args) =>
        reading.projectStats(...args),
      ),
    );
    router.get(
      '/usage/projects/:projectId/trends',
      projectRead(parseProjectTrendsQuery, (reading, ...args) =>
        reading.projectTrends(...args),
      ),
    );
    router.get(
      '/usage/projects/:projectId/models',
      projectRead(parseRangeQuery, (reading, ...args) =>
        reading.projectModels(...args),
      ),
    );
    router.get(
      '/usage/projects/:projectId/calls',
      projectRead(
        parseCallListQuery,
        (reading, ...args) => reading.projectCalls(...args),
        { aggregates: false },
      ),
    );
  },
);
