import { stringifyError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ApiKey } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  createNewKey,
  DAY_MS,
  dayOf,
  keysClientFor,
  type LlmUsageKeyActionOptions,
  newKeySchema,
} from './keyActionSupport';

export const ROTATE_KEY_ACTION_ID = 'llm-usage:key:rotate';

const NOTES_MAX = 4000;
const DEFAULT_GRACE_DAYS = 7;

/**
 * `llm-usage:key:rotate`: creates the replacement of a key (same account,
 * owner, Component, tags and limit), hands its secret to the next step, and
 * marks the old key for deletion after a grace period: its expiry becomes the
 * end of the grace period (so the expiry reminders fire and the key then shows
 * as expired) and its notes name the replacement.
 *
 * @public
 */
export function createLlmUsageKeyRotateAction(
  options: LlmUsageKeyActionOptions,
) {
  const now = options.now ?? Date.now;
  return createTemplateAction({
    id: ROTATE_KEY_ACTION_ID,
    description:
      'Rotates an LLM Usage key: creates the replacement at the provider with the same account, ' +
      'owner, Component, tags and limit, and marks the old key for deletion after a grace period. ' +
      'The new secret is an output for the next step only (e.g. a secret store).',
    examples: [
      {
        description: 'Rotate a key, keeping the old one for a week',
        example: [
          'steps:',
          '  - id: rotate',
          '    action: llm-usage:key:rotate',
          '    input:',
          '      keyId: ${{ parameters.keyId }}',
          '      graceDays: 7',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        keyId: z =>
          z
            .string()
            .min(1)
            .max(64)
            .describe(
              'The id of the key to rotate, in the LLM Usage inventory',
            ),
        name: z =>
          z
            .string()
            .min(1)
            .max(255)
            .optional()
            .describe(
              'The new key’s name (default: the old name and today’s date)',
            ),
        graceDays: z =>
          z
            .number()
            .int()
            .min(0)
            .max(90)
            .optional()
            .describe(
              `Days the old key keeps working before it is due for deletion (default ${DEFAULT_GRACE_DAYS})`,
            ),
        ...newKeySchema.input,
      },
      output: {
        ...newKeySchema.output,
        oldKeyId: z => z.string().describe('The rotated key'),
        oldKeyDeleteAfter: z =>
          z
            .string()
            .nullable()
            .describe(
              'When the old key is due for deletion (its new expiry); null when it could not be marked',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const client = await keysClientFor(ctx, ROTATE_KEY_ACTION_ID, options);
      const old = await client.getKey(input.keyId);
      const today = dayOf(now());
      const created = await createNewKey(
        ctx,
        client,
        {
          accountId: old.accountId,
          name: input.name ?? `${old.name} (rotated ${today})`,
          ownerRef: old.ownerRef,
          componentRef: old.componentRef,
          tagIds: old.tags.map(tag => tag.id),
          ...(old.limit ? { limit: old.limit } : {}),
          notes: `Replaces ${old.name} (${old.id}), rotated ${today}.`,
        },
        options,
      );
      // From here on the new key exists and is handed over, whatever happens
      // to the old one, so its secret is never lost to a later failure.
      ctx.output('oldKeyId', old.id);
      ctx.logger.info(
        `Created key ${created.key.id} (${
          created.key.maskedHint ?? 'no hint'
        }) to replace ${old.id}`,
      );

      const deleteAfter = deleteAfterOf(
        old,
        now() + (input.graceDays ?? DEFAULT_GRACE_DAYS) * DAY_MS,
      );
      try {
        await client.updateKey(old.id, {
          expiresAt: deleteAfter,
          notes: appendNote(
            old.notes,
            `Rotated ${today}: replaced by ${created.key.name} (${created.key.id}); ` +
              `delete after ${dayOf(
                Date.parse(deleteAfter),
              )} once no calls use it.`,
          ),
        });
        ctx.output('oldKeyDeleteAfter', deleteAfter);
        ctx.logger.info(
          `Key ${old.id} is due for deletion after ${deleteAfter}`,
        );
      } catch (error) {
        ctx.output('oldKeyDeleteAfter', null);
        ctx.logger.warn(
          `Key ${old.id} was replaced by ${created.key.id} but could not be marked for deletion: ` +
            `${stringifyError(error)}. Set its expiry in LLM Usage by hand.`,
        );
      }
    },
  });
}

/** The end of the grace period, or the key's own expiry if that comes first. */
function deleteAfterOf(old: ApiKey, graceEnd: number): string {
  const expiry = old.expiresAt ? Date.parse(old.expiresAt) : Infinity;
  return new Date(Math.min(expiry, graceEnd)).toISOString();
}

function appendNote(notes: string | null, line: string): string {
  const kept = notes ? `${notes}\n` : '';
  // Older notes give way when the inventory's limit would be passed.
  return `${kept.slice(0, Math.max(0, NOTES_MAX - line.length))}${line}`;
}
