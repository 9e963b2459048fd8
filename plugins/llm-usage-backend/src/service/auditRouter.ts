import { InputError } from '@backstage/errors';
import type { AuditEvent } from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import { z } from 'zod/v3';
import { parseQuery, wholeNumberParam } from '../lib/parseInput';
import type { AuditEventFilter } from '../audit/AuditEventStore';
import type { Caller } from '../budgets/Caller';
import {
  EXPORT_FORMATS,
  keysetRows,
  streamTableExport,
} from '../export/tableExport';
import { isoDateTimeMs } from '../lib/isoTime';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';
import type { ExportServices } from './exportServices';
import { requestCaller } from './requestCaller';

export type AuditRouterOptions = ExportServices &
  Pick<
    RouterContext,
    'httpAuth' | 'callers' | 'auditEvents' | 'budgets' | 'ledger'
  >;

const isoDate = isoDateTimeMs(
  'must be an ISO 8601 date-time such as 2026-11-01T00:00:00Z',
);

const text = z.string().trim().min(1).max(255);

const filterShape = {
  /** Shortcut for `targetType=key&targetId=…`. */
  keyId: text.optional(),
  targetType: z.string().trim().min(1).max(32).optional(),
  targetId: text.optional(),
  actorRef: text.optional(),
  action: z.string().trim().min(1).max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
};

const listSchema = z
  .object({
    ...filterShape,
    limit: wholeNumberParam(1, 200).default('50'),
    cursor: z.string().max(500).optional(),
  })
  .strict();

const exportSchema = z
  .object({ ...filterShape, format: z.enum(EXPORT_FORMATS).default('csv') })
  .strict();

/** The audit filters, and the rules between them the spec cannot say. */
function parseAuditQuery<T extends typeof listSchema | typeof exportSchema>(
  schema: T,
  query: unknown,
) {
  const parsed: z.output<T> = parseQuery(schema, query);
  if (parsed.keyId && parsed.targetType && parsed.targetType !== 'key') {
    throw new InputError(
      `Invalid query parameter 'targetType': 'keyId' already selects keys`,
    );
  }
  if (parsed.keyId && parsed.targetId) {
    throw new InputError(
      `Invalid query parameter 'targetId': give either 'keyId' or 'targetId'`,
    );
  }
  if (
    parsed.from !== undefined &&
    parsed.to !== undefined &&
    parsed.from >= parsed.to
  ) {
    throw new InputError(`Invalid query parameter 'from': must be before 'to'`);
  }
  return parsed;
}

const EXPORT_PAGE_SIZE = 500;

/**
 * `/audit-events`: the Activity page's list and its CSV/XLSX export. Admins
 * see every event; anyone else the events they caused and those about the
 * keys, accounts and budgets they own.
 */
export const createAuditRouter = specRouter(
  (router, options: AuditRouterOptions) => {
    const {
      httpAuth,
      callers,
      auditEvents: events,
      budgets,
      ledger,
      logger,
      audit,
      recipientLanguages,
    } = options;
    const callerOf = requestCaller(httpAuth, callers);

    const visibility = async (
      caller: Caller,
    ): Promise<
      Pick<AuditEventFilter, 'visibleTargets' | 'visibleActorRef'>
    > => {
      if (caller.isAdmin) return {};
      const [keyIds, accountIds, visibleBudgets] = await Promise.all([
        ledger.keyIdsOwnedBy(caller.ownershipRefs),
        ledger.idsOwnedBy(caller.ownershipRefs),
        budgets.list(caller),
      ]);
      return {
        visibleActorRef: caller.actorRef,
        visibleTargets: [
          { targetType: 'key', targetIds: keyIds },
          { targetType: 'account', targetIds: accountIds },
          { targetType: 'budget', targetIds: visibleBudgets.map(b => b.id) },
        ],
      };
    };

    const filterFor = async (
      req: express.Request,
      query: z.output<typeof listSchema> | z.output<typeof exportSchema>,
    ): Promise<Omit<AuditEventFilter, 'limit' | 'cursor'>> => {
      const caller = await callerOf(req);
      return {
        targetType: query.keyId ? 'key' : query.targetType,
        targetId: query.keyId ?? query.targetId,
        actorRef: query.actorRef,
        action: query.action,
        from: query.from,
        to: query.to,
        ...(await visibility(caller)),
      };
    };

    router.get('/audit-events', async (req, res) => {
      const query = parseAuditQuery(listSchema, req.query);
      const filter = await filterFor(req, query);
      res.json(
        await events.list({
          ...filter,
          limit: query.limit,
          cursor: query.cursor,
        }),
      );
    });

    router.get('/audit-events/export', async (req, res) => {
      const query = parseAuditQuery(exportSchema, req.query);
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const filter = await filterFor(req, query);
      const {
        visibleTargets: _targets,
        visibleActorRef: _actor,
        ...filters
      } = filter;
      // Recorded before the first byte (a download cut short was still taken),
      // and left out of the file it describes.
      const exportEventId = await audit.record({
        actor: credentials,
        action: 'audit.export',
        targetType: 'export',
        targetId: 'audit-events',
        after: { format: query.format, filters },
        request: req,
        severityLevel: 'low',
      });
      await streamTableExport<AuditEvent>(res, {
        format: query.format,
        filename: 'llm-usage-activity',
        sheetName: 'Activity',
        reader: await recipientLanguages.translatorForCaller(credentials),
        logger,
        columns: [
          { header: 'time', value: e => e.occurredAt, width: 26 },
          { header: 'actorRef', value: e => e.actorRef, width: 30 },
          { header: 'action', value: e => e.action, width: 20 },
          { header: 'targetType', value: e => e.targetType, width: 12 },
          { header: 'targetId', value: e => e.targetId, width: 38 },
          { header: 'before', value: e => json(e.before), width: 40 },
          { header: 'after', value: e => json(e.after), width: 40 },
          { header: 'eventId', value: e => e.id, width: 38 },
        ],
        rows: keysetRows<AuditEvent, string>(async cursor => {
          const page = await events.list({
            ...filter,
            limit: EXPORT_PAGE_SIZE,
            cursor,
          });
          return {
            items: page.items.filter(event => event.id !== exportEventId),
            next: page.nextCursor,
          };
        }),
      });
    });
  },
);

function json(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}
