import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotFoundError } from '@backstage/errors';
import type { z as zod } from 'zod/v3';
import { llmUsageKeyReadPermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { KeyRecord, KeyStore } from '../keys/KeyStore';
import { formatNanos } from '../lib/money';
import type { LlmUsageAuthorizer } from '../permissions';

export interface KeyActionsOptions {
  actionsRegistry: ActionsRegistryService;
  keys: KeyStore;
  authorizer: LlmUsageAuthorizer;
}

const DAY_MS = 86_400_000;

/** What both actions say about a key; never its secret. */
function describeKey(key: KeyRecord, now: number) {
  return {
    id: key.id,
    name: key.name,
    provider: key.provider,
    maskedHint: key.maskedHint,
    status: key.status,
    ownerRef: key.ownerRef,
    componentRef: key.componentRef,
    expiresAt:
      key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    daysLeft:
      key.expiresAt === null
        ? null
        : Math.floor((key.expiresAt - now) / DAY_MS),
  };
}

/** The output schema of describeKey. */
function describedKeyShape(z: typeof zod) {
  return {
    id: z.string(),
    name: z.string(),
    provider: z.string(),
    maskedHint: z.string().nullable(),
    status: z.string(),
    ownerRef: z.string().nullable(),
    componentRef: z.string().nullable(),
    expiresAt: z.string().nullable(),
    daysLeft: z
      .number()
      .nullable()
      .describe('Whole days until expiry; negative once expired'),
  };
}

const money = (nanos: bigint | null, currency: string | null) =>
  nanos === null || currency === null
    ? null
    : { amount: formatNanos(nanos), currency };

/**
 * Assistant actions about provider keys, answered with the keys the caller
 * may read (the key read permission, owner-conditional in the bundled policy).
 * Secrets never leave the store: only the masked hint is returned.
 */
export function registerKeyActions(options: KeyActionsOptions) {
  const { actionsRegistry, keys, authorizer } = options;

  actionsRegistry.register({
    name: 'list-expiring-keys',
    title: 'LLM provider keys expiring soon',
    description:
      'Provider API keys that expire within the given number of days (and, on request, those already expired), ' +
      'soonest first, with their owner and the component that uses them; only keys the caller may see.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          withinDays: z.number().int().min(1).max(365).default(7),
          includeExpired: z
            .boolean()
            .default(false)
            .describe('Also list keys whose expiry has passed'),
          limit: z.number().int().min(1).max(200).default(50),
        }),
      output: z =>
        z.object({
          withinDays: z.number(),
          total: z.number().describe('Matching keys, beyond the limit too'),
          keys: z.array(z.object(describedKeyShape(z))),
        }),
    },
    action: async ({ input, credentials }) => {
      const now = Date.now();
      const owners = await authorizer.keys.filter(
        credentials,
        llmUsageKeyReadPermission,
      );
      const { records, total } = await keys.list(
        {
          expiry: input.includeExpired ? ['expired', 'expiring'] : ['expiring'],
          expiringWithinDays: input.withinDays,
        },
        owners,
        { sort: 'expiresAt', order: 'asc', limit: input.limit, offset: 0 },
        now,
      );
      return {
        output: {
          withinDays: input.withinDays,
          total,
          keys: records.map(key => describeKey(key, now)),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-key-status',
    title: 'LLM provider key status',
    description:
      "One provider API key's status, expiry, last use, last sync and its error, and its spend against its limit " +
      'as the provider reports them; for a key the caller may see.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          keyId: z
            .string()
            .min(1)
            .max(64)
            .describe('The key id, e.g. from list-expiring-keys'),
        }),
      output: z => {
        const amount = z
          .object({ amount: z.string(), currency: z.string() })
          .nullable();
        return z.object({
          ...describedKeyShape(z),
          lastUsedAt: z.string().nullable(),
          syncedAt: z.string().nullable(),
          lastError: z.string().nullable(),
          usage: amount.describe('Spend the provider reports for the key'),
          limit: amount,
        });
      },
    },
    action: async ({ input, credentials }) => {
      const [key, decision] = await Promise.all([
        keys.get(input.keyId),
        authorizer.keys.decide(credentials, llmUsageKeyReadPermission),
      ]);
      // A key the caller may not see does not exist for them.
      if (!key || !authorizer.keys.allows(decision, key)) {
        throw new NotFoundError(`No key '${input.keyId}'`);
      }
      const iso = (time: number | null) =>
        time === null ? null : new Date(time).toISOString();
      return {
        output: {
          ...describeKey(key, Date.now()),
          lastUsedAt: iso(key.lastUsedAt),
          syncedAt: iso(key.syncedAt),
          lastError: key.lastError,
          usage: money(key.usageNanos, key.usageCurrency),
          limit: money(key.limitNanos, key.limitCurrency),
        },
      };
    },
  });
}
