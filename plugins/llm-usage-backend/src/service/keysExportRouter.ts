import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ApiKey,
  KeyListResponse,
  llmUsageKeyReadPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { EXPORT_FORMATS, ExportColumn } from '../export/tableExport';
import { KeyListInput, keyListQuerySchema } from '../keys/keySchemas';
import { parseQuery } from '../lib/parseInput';
import { specRouter } from './specRouter';
import { type ExportServices, streamRecordedExport } from './exportServices';

/** Keys the export reads per page: large enough for few round trips. */
const EXPORT_PAGE_SIZE = 500;

/** Where the export reads keys from: the same listing as `GET /keys`. */
export interface KeysExportSource {
  /**
   * One page of the keys matching the query that the caller may read; the
   * read permission's conditions (e.g. IS_OWNER) are applied by the source.
   */
  list(
    credentials: BackstageCredentials,
    query: KeyListInput,
  ): Promise<KeyListResponse>;
}

export interface KeysExportRouterOptions extends ExportServices {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  keys: KeysExportSource;
}

const keyExportQuerySchema = keyListQuerySchema
  .omit({ limit: true, offset: true })
  .extend({
    format: z.enum(EXPORT_FORMATS).default('csv'),
    // The selection: export only these keys (still within the filters).
    ids: z
      .string()
      .transform(value =>
        value
          .split(',')
          .map(id => id.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().max(64)).min(1).max(10_000))
      .optional(),
  })
  .strict();

/** An amount per currency as text, e.g. `12.5 USD; 3 CNY`; currencies never summed. */
function costsText(costs: Array<{ amount: string; currency: string }>) {
  return costs.map(c => `${c.amount} ${c.currency}`).join('; ');
}

/** The single currency's amount, for a numeric column; empty when several. */
function singleCost(costs: Array<{ amount: string; currency: string }>) {
  if (costs.length === 0) return '0';
  return costs.length === 1 ? costs[0].amount : undefined;
}

/** Columns of the key export; headers in the requester's language. */
export const KEY_EXPORT_COLUMNS: ExportColumn<ApiKey>[] = [
  { header: 'keyId', value: k => k.id, width: 24 },
  { header: 'provider', value: k => k.provider },
  { header: 'accountId', value: k => k.accountId, width: 20 },
  { header: 'accountName', value: k => k.accountName, width: 24 },
  { header: 'keyName', value: k => k.name, width: 28 },
  { header: 'maskedHint', value: k => k.maskedHint, width: 16 },
  { header: 'status', value: k => k.status },
  { header: 'keySource', value: k => k.source },
  { header: 'ownerRef', value: k => k.ownerRef, width: 28 },
  { header: 'componentRef', value: k => k.componentRef, width: 28 },
  { header: 'tags', value: k => k.tags.map(t => t.name).join('; '), width: 24 },
  { header: 'createdAt', value: k => k.createdAt, width: 26 },
  { header: 'expiresAt', value: k => k.expiresAt, width: 26 },
  { header: 'expiryState', value: k => k.expiryState },
  { header: 'lastUsedAt', value: k => k.lastUsedAt, width: 26 },
  { header: 'monthInputTokens', value: k => k.month.inputTokens },
  { header: 'monthOutputTokens', value: k => k.month.outputTokens },
  { header: 'monthRequests', value: k => k.month.requests },
  {
    header: 'monthCost',
    kind: 'decimal',
    value: k => singleCost(k.month.cost),
  },
  { header: 'monthCostByCurrency', value: k => costsText(k.month.cost) },
  { header: 'spendLimit', value: k => (k.limit ? costsText([k.limit]) : null) },
  {
    header: 'providerUsage',
    value: k => (k.providerUsage ? costsText([k.providerUsage]) : null),
  },
  { header: 'notes', value: k => k.notes, width: 32 },
  { header: 'lastError', value: k => k.lastError, width: 32 },
];

/**
 * Every key matching the query, page by page, so a large inventory streams
 * without being held in memory; only `ids` when a selection is exported.
 */
async function* matchingKeys(
  source: KeysExportSource,
  credentials: BackstageCredentials,
  query: Omit<KeyListInput, 'limit' | 'offset'>,
  ids: Set<string> | undefined,
): AsyncGenerator<ApiKey> {
  for (let offset = 0; ; offset += EXPORT_PAGE_SIZE) {
    const page = await source.list(credentials, {
      ...query,
      limit: EXPORT_PAGE_SIZE,
      offset,
    });
    for (const key of page.items) {
      if (!ids || ids.has(key.id)) yield key;
    }
    if (
      page.items.length < EXPORT_PAGE_SIZE ||
      offset + page.items.length >= page.total
    ) {
      return;
    }
  }
}

/**
 * `GET /keys/export?format=csv|xlsx&…`: the key list with the filters and
 * sort of `GET /keys`, as a streamed download. Only keys the caller may read
 * are included; without any read access the request is refused.
 */
export const createKeysExportRouter = specRouter(
  (router, options: KeysExportRouterOptions) => {
    const { httpAuth, permissions, keys } = options;

    router.get('/keys/export', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { format, ids, ...query } = parseQuery(
        keyExportQuerySchema,
        req.query,
      );
      const [decision] = await permissions.authorizeConditional(
        [{ permission: llmUsageKeyReadPermission }],
        { credentials },
      );
      if (decision.result === AuthorizeResult.DENY) {
        throw new NotAllowedError('Not allowed to read LLM provider keys');
      }
      const day = new Date().toISOString().slice(0, 10);
      // The filters as requested: the parsed ones hold bigint nanos, which JSON
      // cannot carry.
      const { format: _format, ids: _ids, ...filters } = req.query;
      await streamRecordedExport(options, credentials, req, res, {
        action: 'keys.export',
        targetType: 'export',
        targetId: 'keys',
        // The number selected, not the ids: a selection may hold thousands.
        details: { filters, selectedKeys: ids?.length },
        format,
        filename: `llm-usage-keys_${day}`,
        sheetName: 'Keys',
        columns: KEY_EXPORT_COLUMNS,
        rows: matchingKeys(keys, credentials, query, ids && new Set(ids)),
      });
    });
  },
);
