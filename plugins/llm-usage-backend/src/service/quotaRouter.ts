import { parseQuotaQuery } from '../budgets/budgetSchemas';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';
import { requestCaller } from './requestCaller';

export type QuotaRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'callers' | 'quota'
>;

/** Budgets and balances with runway, and each account's balance history. */
export const createQuotaRouter = specRouter(
  (router, options: QuotaRouterOptions) => {
    const { httpAuth, callers, quota } = options;

    const callerOf = requestCaller(httpAuth, callers);

    router.get('/usage/quota', async (req, res) => {
      const { entityRef } = parseQuotaQuery(req.query);
      res.json(await quota.quotaFor(callerOf(req), entityRef));
    });

    router.get('/accounts/:id/balance-history', async (req, res) => {
      res.json(await quota.balanceHistory(await callerOf(req), req.params.id));
    });
  },
);
