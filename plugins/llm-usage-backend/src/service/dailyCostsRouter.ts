import { DAILY_COST_SPLITS } from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { parseQuery } from '../lib/parseInput';
import { parseRangeQuery, timeZoneParam } from './queryParsers';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';

export type DailyCostsRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'visibility' | 'reports'
>;

const dailyCostsSchema = z
  .object({
    from: z.string().optional(),
    to: z.string().optional(),
    projectId: z.string().trim().min(1).max(255).optional(),
    entityRef: z.string().trim().min(1).max(255).optional(),
    split: z.enum(DAILY_COST_SPLITS).default('none'),
    tz: timeZoneParam,
  })
  .strict();

export function parseDailyCostsQuery(query: unknown, now = Date.now()) {
  const { from, to, ...rest } = parseQuery(dailyCostsSchema, query);
  return { ...rest, ...parseRangeQuery({ from, to }, now) };
}

/**
 * `GET /costs/daily`: cost per day for cost tools such as Cost Insights, for a
 * project, an entity's projects or everything the caller sees.
 */
export const createDailyCostsRouter = specRouter(
  (router, options: DailyCostsRouterOptions) => {
    const { httpAuth, visibility, reports } = options;

    router.get('/costs/daily', async (req, res) => {
      const query = parseDailyCostsQuery(req.query);
      const scope = await visibility.scopeFor(
        await httpAuth.credentials(req, { allow: ['user', 'service'] }),
      );
      const target = await reports.resolveTarget(query);
      res.json(await reports.dailyCosts(scope, target, query));
    });
  },
);
