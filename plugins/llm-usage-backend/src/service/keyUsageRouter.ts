import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { ApiKey } from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { dateOrDateTime } from '../keys/keySchemas';
import { parseQuery } from '../lib/parseInput';
import type { KeyUsageHistory } from '../keyUsage/KeyUsageHistory';
import { specRouter } from './specRouter';

/** The longest history one request returns, in days. */
const MAX_DAYS = 366;
const DAY_MS = 24 * 3600 * 1000;

export interface KeyUsageRouterOptions {
  httpAuth: HttpAuthService;
  /** Reads one key, refusing keys the caller may not read (as `GET /keys/:id`). */
  keys: { get(credentials: BackstageCredentials, id: string): Promise<ApiKey> };
  history: KeyUsageHistory;
}

const rangeSchema = z
  .object({ from: dateOrDateTime, to: dateOrDateTime })
  .strict();

/**
 * `GET /keys/:id/usage?from&to`: a key's daily usage and cost as its
 * provider reports it, for the key's detail view.
 */
export const createKeyUsageRouter = specRouter(
  (router, options: KeyUsageRouterOptions) => {
    const { httpAuth, keys, history } = options;

    router.get('/keys/:id/usage', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { from, to } = parseQuery(rangeSchema, req.query);
      if (to <= from) {
        throw new InputError(
          `Invalid query parameter 'to': must be after 'from'`,
        );
      }
      if (to - from > MAX_DAYS * DAY_MS) {
        throw new InputError(
          `Invalid query parameter 'from': at most ${MAX_DAYS} days before 'to'`,
        );
      }
      const key = await keys.get(credentials, req.params.id);
      res.json({
        keyId: key.id,
        // Keys registered by hand without a provider id have no provider usage.
        days: key.providerKeyId
          ? await history.daily(
              { accountId: key.accountId, providerKeyId: key.providerKeyId },
              { from, to },
            )
          : [],
      });
    });
  },
);
