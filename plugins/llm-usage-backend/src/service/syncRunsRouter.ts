import {
  SYNC_RUN_STATUSES,
  SYNC_TRIGGERS,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { parseQuery, rangeInOrder } from '../lib/parseInput';
import { NotFoundError } from '@backstage/errors';
import { isoDateTimeMs } from '../lib/isoTime';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';

const isoDateTime = isoDateTimeMs('must be an ISO 8601 date-time');

const syncRunQuerySchema = z
  .object({
    accountId: z.string().max(64).optional(),
    status: z.enum(SYNC_RUN_STATUSES).optional(),
    trigger: z.enum(SYNC_TRIGGERS).optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(1).max(200))
      .default('50'),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .superRefine(rangeInOrder());

export type SyncRunsRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'syncRuns' | 'accounts'
>;

/** `GET /sync-runs`: sync history, newest first, with filters and keyset paging. */
export const createSyncRunsRouter = specRouter(
  (router, options: SyncRunsRouterOptions) => {
    router.get('/sync-runs', async (req, res) => {
      const credentials = await options.httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const query = parseQuery(syncRunQuerySchema, req.query);
      // Runs carry provider error text: only those of accounts the caller sees.
      const accountIds = await options.accounts.visibleIds(credentials);
      if (query.accountId && !accountIds.includes(query.accountId)) {
        throw new NotFoundError(`No provider account '${query.accountId}'`);
      }
      res.json(await options.syncRuns.list({ ...query, accountIds }));
    });
  },
);
