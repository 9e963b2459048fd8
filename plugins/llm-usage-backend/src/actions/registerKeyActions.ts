import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { llmUsageKeyReadPermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { KeyStore } from '../keys/KeyStore';
import type { LlmUsageAuthorizer } from '../permissions';

export interface KeyActionsOptions {
  actionsRegistry: ActionsRegistryService;
  keys: KeyStore;
  authorizer: LlmUsageAuthorizer;
}

const DAY_MS = 86_400_000;

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
          keys: z.array(
            z.object({
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
            }),
          ),
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
          keys: records.map(key => ({
            id: key.id,
            name: key.name,
            provider: key.provider,
            maskedHint: key.maskedHint,
            status: key.status,
            ownerRef: key.ownerRef,
            componentRef: key.componentRef,
            expiresAt:
              key.expiresAt === null
                ? null
                : new Date(key.expiresAt).toISOString(),
            daysLeft:
              key.expiresAt === null
                ? null
                : Math.floor((key.expiresAt - now) / DAY_MS),
          })),
        },
      };
    },
  });
}
