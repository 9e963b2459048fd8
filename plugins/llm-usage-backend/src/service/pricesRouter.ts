import { NotFoundError } from '@backstage/errors';
import type { ListPricesResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { actionRecord, actorRefOf } from '../audit/AuditLog';
import { parseBody, parseQuery } from '../lib/parseInput';
import { toEntry } from '../pricing/PriceBook';
import {
  priceCreateSchema,
  priceUpdateSchema,
  repriceSchema,
} from '../pricing/priceSchemas';
import { adminCredentials, adminEditRoutes } from './adminEdits';
import { requestCredentials } from './requestCaller';
import { jsonBody } from './rejectNulCharacters';
import type { RouterContext } from './routerContext';
import { specRouter } from './specRouter';

export type PricesRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'permissions' | 'prices' | 'priceStore' | 'repricer' | 'audit'
>;

/**
 * The price book: anyone signed in may read it (prices are no secret and
 * explain the costs they see); adding, changing and deleting admin entries
 * and re-pricing calls take the LLM Usage admin permission, and are audited.
 * Default and app-config entries are read-only: an admin entry for the same
 * model overrides them.
 */
export const createPricesRouter = specRouter(
  { bodyParser: jsonBody(), bodyPaths: ['/prices'] },
  (router, options: PricesRouterOptions) => {
    const { httpAuth, prices, priceStore: store, audit } = options;

    const credentialsOf = requestCredentials(httpAuth);
    const adminCredentialsOf = adminCredentials(options, {
      allow: ['user'],
      refusal: 'Editing prices needs the LLM Usage admin role',
    });

    /**
     * An admin entry as its audit record shows it: whether it is in force is
     * not known from the store alone, so it is left out.
     */
    const requireAdminEntry = async (id: string) => {
      const price = await store.get(id);
      if (!price) {
        throw new NotFoundError(
          `No admin price '${id}' (default and app-config prices cannot be changed here)`,
        );
      }
      return { ...toEntry(price, false), inForce: undefined };
    };

    /** An admin entry as the API shows it, with whether it is in force now. */
    const entryOf = async (id: string) => {
      prices.invalidate();
      const entry = (await prices.entries()).find(e => e.id === id);
      if (!entry) throw new NotFoundError(`No price '${id}'`);
      return entry;
    };
    const edits = adminEditRoutes(audit, 'price', {
      credentialsOf: adminCredentialsOf,
      require: requireAdminEntry,
      read: entryOf,
    });

    router.get('/prices', async (req, res) => {
      await credentialsOf(req);
      // No filters: an unknown parameter is refused rather than ignored.
      parseQuery(z.object({}).strict(), req.query);
      const body: ListPricesResponse = { items: await prices.entries() };
      res.json(body);
    });

    router.post(
      '/prices',
      edits.create(priceCreateSchema, (draft, actor) =>
        store.create(draft, actorRefOf(actor)),
      ),
    );
    router.patch(
      '/prices/:id',
      edits.update(priceUpdateSchema, (id, patch, actor) =>
        store.update(id, patch, actorRefOf(actor)),
      ),
    );
    router.delete(
      '/prices/:id',
      edits.delete(async id => {
        await store.delete(id);
        prices.invalidate();
      }),
    );

    router.post('/prices/reprice', async (req, res) => {
      const credentials = await adminCredentialsOf(req);
      const range = parseBody(repriceSchema, req.body);
      prices.invalidate();
      const result = await options.repricer.reprice(range);
      const span = [range.from, range.to].map(ms => new Date(ms).toISOString());
      await audit.record(
        actionRecord(credentials, 'calls.reprice', span.join('/'), {
          after: { ...req.body, ...result },
          request: req,
        }),
      );
      res.json(result);
    });
  },
);
