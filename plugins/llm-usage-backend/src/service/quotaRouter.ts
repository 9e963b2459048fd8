import type { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import type { CallerResolver } from '../budgets/Caller';
import { parseQuotaQuery } from '../budgets/budgetSchemas';
import type { QuotaService } from '../quota/QuotaService';
import {
  createSpecValidatedRouter,
  type SpecRouter,
} from '../schema/specValidatedRouter';

export interface QuotaRouterOptions {
  httpAuth: HttpAuthService;
  callers: CallerResolver;
  quota: QuotaService;
}

/** Budgets and balances with runway, and each account's balance history. */
export async function createQuotaRouter(
  options: QuotaRouterOptions,
): Promise<SpecRouter> {
  const { httpAuth, callers, quota } = options;
  const router = await createSpecValidatedRouter();

  const callerOf = async (req: express.Request) =>
    callers.resolve(
      await httpAuth.credentials(req, { allow: ['user', 'service'] }),
    );

  router.get('/usage/quota', async (req, res) => {
    const { entityRef } = parseQuotaQuery(req.query);
    res.json(await quota.quotaFor(await callerOf(req), entityRef));
  });

  router.get('/accounts/:id/balance-history', async (req, res) => {
    res.json(await quota.balanceHistory(await callerOf(req), req.params.id));
  });

  return router;
}
