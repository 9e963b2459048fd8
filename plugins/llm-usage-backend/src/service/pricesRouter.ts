import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  llmUsageAdminPermission,
  type ListPricesResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { actorRefOf, type AuditLog } from '../audit/AuditLog';
import { parseInput, parseQuery } from '../lib/parseInput';
import type { CallRepricer } from '../pricing/CallRepricer';
import { type PriceBook, toEntry } from '../pricing/PriceBook';
import type { PriceStore } from '../pricing/PriceStore';
import {
  priceCreateSchema,
  priceUpdateSchema,
  repriceSchema,
} from '../pricing/priceSchemas';
import { jsonBody } from './rejectNulCharacters';

/**
 * The price book: anyone signed in may read it (prices are no secret and
 * explain the costs they see); adding, changing and deleting admin entries
 * and re-pricing calls take the LLM Usage admin permission, and are audited.
 * Default and app-config entries are read-only: an admin entry for the same
 * model overrides them.
 */
export async function createPricesRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  prices: PriceBook;
  priceStore: PriceStore;
  repricer: CallRepricer;
  audit: AuditLog;
}): Promise<express.Router> {
  const { httpAuth, prices, priceStore: store, audit } = options;
  const router = Router();
  router.use('/prices', jsonBody());

  const adminCredentialsOf = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await options.permissions.authorize(
      [{ permission: llmUsageAdminPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'Editing prices needs the LLM Usage admin role',
      );
    }
    return credentials;
  };

  const requireAdminEntry = async (id: string) => {
    const price = await store.get(id);
    if (!price) {
      throw new NotFoundError(
        `No admin price '${id}' (default and app-config prices cannot be changed here)`,
      );
    }
    return price;
  };

  /** An admin entry as the API shows it, with whether it is in force now. */
  const entryOf = async (id: string) => {
    prices.invalidate();
    const entry = (await prices.entries()).find(e => e.id === id);
    if (!entry) throw new NotFoundError(`No price '${id}'`);
    return entry;
  };

  /** Records an edit of the price book by the admin who made it. */
  const record = (
    req: express.Request,
    credentials: Awaited<ReturnType<typeof adminCredentialsOf>>,
    action: string,
    target: { type: string; id: string },
    change: { before?: unknown; after?: unknown },
  ) =>
    audit.record({
      actor: credentials,
      action,
      targetType: target.type,
      targetId: target.id,
      ...change,
      request: req,
    });

  router.get('/prices', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    // No filters: an unknown parameter is refused rather than ignored.
    parseQuery(z.object({}).strict(), req.query);
    const body: ListPricesResponse = { items: await prices.entries() };
    res.json(body);
  });

  router.post('/prices', async (req, res) => {
    const credentials = await adminCredentialsOf(req);
    const draft = parseInput(priceCreateSchema, req.body, 'field');
    const created = await store.create(draft, actorRefOf(credentials));
    const after = await entryOf(created.id);
    await record(
      req,
      credentials,
      'price.create',
      { type: 'price', id: created.id },
      { after },
    );
    res.status(201).json(after);
  });

  router.patch('/prices/:id', async (req, res) => {
    const credentials = await adminCredentialsOf(req);
    const patch = parseInput(priceUpdateSchema, req.body, 'field');
    const before = toEntry(await requireAdminEntry(req.params.id), false);
    await store.update(before.id, patch, actorRefOf(credentials));
    const after = await entryOf(before.id);
    await record(
      req,
      credentials,
      'price.update',
      { type: 'price', id: before.id },
      { before: { ...before, inForce: undefined }, after },
    );
    res.json(after);
  });

  router.delete('/prices/:id', async (req, res) => {
    const credentials = await adminCredentialsOf(req);
    const before = toEntry(await requireAdminEntry(req.params.id), false);
    await store.delete(before.id);
    prices.invalidate();
    await record(
      req,
      credentials,
      'price.delete',
      { type: 'price', id: before.id },
      { before: { ...before, inForce: undefined } },
    );
    res.status(204).end();
  });

  router.post('/prices/reprice', async (req, res) => {
    const credentials = await adminCredentialsOf(req);
    const range = parseInput(repriceSchema, req.body, 'field');
    prices.invalidate();
    const result = await options.repricer.reprice(range);
    const span = [range.from, range.to].map(ms => new Date(ms).toISOString());
    await record(
      req,
      credentials,
      'calls.reprice',
      { type: 'calls', id: span.join('/') },
      { after: { ...req.body, ...result } },
    );
    res.json(result);
  });

  return router;
}
