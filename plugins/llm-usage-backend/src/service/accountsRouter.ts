import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  type ListProviderAccountsResponse,
  type ListProvidersResponse,
  type ReconciliationKeysResponse,
  type ReconciliationResponse,
  type SyncNowResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type express from 'express';
import { z } from 'zod/v3';
import { actionRecord } from '../audit/AuditLog';
import type { AccountService } from '../accounts/AccountService';
import type { AccountStore } from '../accounts/AccountStore';
import type { ProviderRegistry } from '../accounts/ProviderRegistry';
import {
  accountInputSchema,
  accountUpdateSchema,
} from '../accounts/accountSchemas';
import { DAY_MS } from '../database/tables';
import { EXPORT_FORMATS } from '../export/tableExport';
import { rangeLabel } from '../export/usageExports';
import { reconciliationExportColumns } from '../reconciliation/reconciliationExport';
import { dateOrDateTime } from '../keys/keySchemas';
import { parseBody, parseQuery, rangeInOrder } from '../lib/parseInput';
import type { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import type { Reconciliation } from '../reconciliation/Reconciliation';
import type { AccountSync } from '../sync/AccountSync';
import { type ExportServices, streamRecordedExport } from './exportServices';
import { jsonBody } from './rejectNulCharacters';
import { specRouter } from './specRouter';
import { requestCredentials } from './requestCaller';

export interface AccountsRouterOptions extends ExportServices {
  httpAuth: HttpAuthService;
  providers: ProviderRegistry;
  accounts: AccountService;
  accountStore: AccountStore;
  sync: AccountSync;
  reconciliation: Reconciliation;
  authorizer: LlmUsageAuthorizer;
}

const reconciliationQuerySchema = z
  .object({
    accountId: z.string().max(64).optional(),
    from: dateOrDateTime.optional(),
    to: dateOrDateTime.optional(),
  })
  .strict()
  // Days are inclusive here: from = to is one day.
  .superRefine(rangeInOrder({ allowEqual: true }));

const reconciliationExportQuerySchema = z
  .object({
    accountId: z.string().max(64).optional(),
    from: dateOrDateTime.optional(),
    to: dateOrDateTime.optional(),
    format: z.enum(EXPORT_FORMATS).default('csv'),
  })
  .strict()
  .superRefine(rangeInOrder({ allowEqual: true }));

const reconciliationKeysQuerySchema = z
  .object({
    accountId: z.string().min(1).max(64),
    date: dateOrDateTime,
  })
  .strict();

/** Providers, accounts (credentials write-only), sync now and reconciliation. */
export const createAccountsRouter = specRouter(
  { bodyParser: jsonBody({ limit: '1mb' }), bodyPaths: ['/accounts'] },
  (router, options: AccountsRouterOptions) => {
    const { httpAuth, accounts } = options;

    const credentialsOf = requestCredentials(httpAuth);

    router.get('/providers', async (req, res) => {
      await credentialsOf(req);
      const body: ListProvidersResponse = { items: options.providers.list() };
      res.json(body);
    });

    router.get('/accounts', async (req, res) => {
      const credentials = await credentialsOf(req);
      const body: ListProviderAccountsResponse = {
        items: await accounts.list(credentials),
      };
      res.json(body);
    });

    router.post('/accounts', async (req, res) => {
      const credentials = await credentialsOf(req);
      const input = parseBody(accountInputSchema, req.body);
      res.status(201).json(await accounts.create(credentials, input, req));
    });

    router.get('/accounts/:id', async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(await accounts.get(credentials, req.params.id));
    });

    router.patch('/accounts/:id', async (req, res) => {
      const credentials = await credentialsOf(req);
      const input = parseBody(accountUpdateSchema, req.body);
      res.json(await accounts.update(credentials, req.params.id, input, req));
    });

    router.delete('/accounts/:id', async (req, res) => {
      const credentials = await credentialsOf(req);
      await accounts.remove(credentials, req.params.id, req);
      res.status(204).end();
    });

    router.post('/accounts/:id/test', async (req, res) => {
      const credentials = await credentialsOf(req);
      const result = await accounts.testConnection(credentials, req.params.id);
      // Changes nothing, but uses the stored credentials: who tried them is kept.
      await options.audit.record(
        actionRecord(credentials, 'account.test', req.params.id, {
          after: { ok: result.ok },
          request: req,
          severityLevel: 'low',
        }),
      );
      res.json(result);
    });

    router.post('/accounts/:id/sync', async (req, res) => {
      const credentials = await credentialsOf(req);
      const account = await accounts.requireUsable(credentials, req.params.id);
      const run = await options.sync.syncNow(account.id);
      await options.audit.record(
        actionRecord(credentials, 'account.sync', account.id, {
          after: { runId: run.id, status: run.status, items: run.items },
          request: req,
          severityLevel: 'low',
        }),
      );
      const body: SyncNowResponse = { runs: [run] };
      res.json(body);
    });

    /** The accounts and days a reconciliation request covers. */
    const reconciliationScope = async (
      req: express.Request,
      query: { accountId?: string; from?: number; to?: number },
    ) => {
      const credentials = await credentialsOf(req);
      const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
      const toDay = Math.floor((query.to ?? today) / DAY_MS) * DAY_MS;
      const fromDay =
        Math.floor((query.from ?? toDay - 29 * DAY_MS) / DAY_MS) * DAY_MS;
      // Accounts the caller may see: admins all, owners their own; naming
      // another is asking for an account that is not found.
      const visible = await accounts.visibleIds(credentials);
      if (query.accountId && !visible.includes(query.accountId)) {
        throw new NotFoundError(`No provider account '${query.accountId}'`);
      }
      return {
        credentials,
        accountIds: query.accountId ? [query.accountId] : visible,
        fromDay: Math.min(fromDay, toDay),
        toDay,
      };
    };

    router.get('/reconciliation', async (req, res) => {
      const query = parseQuery(reconciliationQuerySchema, req.query);
      const { accountIds, fromDay, toDay } = await reconciliationScope(
        req,
        query,
      );
      const body: ReconciliationResponse = await options.reconciliation.report({
        accountIds,
        fromDay,
        toDay,
      });
      res.json(body);
    });

    router.get('/reconciliation/keys', async (req, res) => {
      const query = parseQuery(reconciliationKeysQuerySchema, req.query);
      const { accountIds, toDay } = await reconciliationScope(req, {
        accountId: query.accountId,
        to: query.date,
      });
      const body: ReconciliationKeysResponse =
        await options.reconciliation.keys({
          accountId: accountIds[0],
          day: toDay,
        });
      res.json(body);
    });

    router.get('/reconciliation/export', async (req, res) => {
      const { format, ...query } = parseQuery(
        reconciliationExportQuerySchema,
        req.query,
      );
      const { credentials, ...scope } = await reconciliationScope(req, query);
      const report = await options.reconciliation.report(scope);
      await streamRecordedExport(options, credentials, req, res, {
        action: 'reconciliation.export',
        targetType: 'export',
        targetId: 'reconciliation',
        details: query,
        format,
        filename: `llm-usage-reconciliation_${rangeLabel({
          from: scope.fromDay,
          to: scope.toDay,
        })}`,
        sheetName: 'Reconciliation',
        columns: reconciliationExportColumns(report),
        rows: report.items,
      });
    });
  },
);
