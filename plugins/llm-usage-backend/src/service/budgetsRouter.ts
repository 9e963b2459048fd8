import type { BudgetListResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  parseBudgetChanges,
  parseBudgetListQuery,
  parseNewBudget,
} from '../budgets/budgetSchemas';
import { jsonBody } from './rejectNulCharacters';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';
import { requestCaller } from './requestCaller';

export type BudgetsRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'callers' | 'budgets'
>;

/** `/budgets`: monthly budgets per user, group, project or account. */
export const createBudgetsRouter = specRouter(
  { bodyParser: jsonBody(), bodyPaths: ['/budgets'] },
  (router, options: BudgetsRouterOptions) => {
    const { httpAuth, callers, budgets } = options;

    const callerOf = requestCaller(httpAuth, callers);

    router.get('/budgets', async (req, res) => {
      const { targetType, targetRef } = parseBudgetListQuery(req.query);
      const caller = await callerOf(req);
      const records = (await budgets.list(caller)).filter(
        b =>
          (!targetType || b.targetType === targetType) &&
          (!targetRef || b.targetRef === targetRef),
      );
      const body: BudgetListResponse = {
        items: await budgets.withAccess(caller, records),
      };
      res.json(body);
    });

    router.post('/budgets', async (req, res) => {
      // Who asks before what they send: a refused caller learns nothing more.
      const caller = await callerOf(req);
      const input = parseNewBudget(req.body);
      res
        .status(201)
        .json(await budgets.create({ caller, request: req }, input));
    });

    router.get('/budgets/:id', async (req, res) => {
      const caller = await callerOf(req);
      const record = await budgets.get(caller, req.params.id);
      const [budget] = await budgets.withAccess(caller, [record]);
      res.json(budget);
    });

    router.patch('/budgets/:id', async (req, res) => {
      const caller = await callerOf(req);
      const changes = parseBudgetChanges(req.body);
      res.json(
        await budgets.update({ caller, request: req }, req.params.id, changes),
      );
    });

    router.delete('/budgets/:id', async (req, res) => {
      const caller = await callerOf(req);
      await budgets.delete({ caller, request: req }, req.params.id);
      res.status(204).end();
    });
  },
);
