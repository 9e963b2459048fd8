import { parseQuotaQuery } from '../budgets/budgetSchemas';
import {
  createSpecValidatedRouter,
  type SpecRouter,
} from '../schema/specValidatedRouter';
import type { RouterContext } from './routerContext';
import { requestCaller } from './requestCaller';

export type QuotaRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'callers' | 'quota'
>;

/** Budgets and balances with runway, and each account's balance history. */
export async function createQuotaRouter(
  options: QuotaRouterOptions,
): Promise<SpecRouter> {
  const { httpAuth, callers, quota } = options;
  const router = await createSpecValidatedRouter();

  const callerOf = requestCaller(httpAuth, callers);

  router.get('/usage/quota', async (req, res) => {
    const { entityRef } = parseQuotaQuery(req.query);
    res.json(await quota.quotaFor(await callerOf(req), entityRef));
  });

  router.get('/accounts/:id/balance-history', async (req, res) => {
    res.json(await quota.balanceHistory(await callerOf(req), req.params.id));
  });

  return router;
}
