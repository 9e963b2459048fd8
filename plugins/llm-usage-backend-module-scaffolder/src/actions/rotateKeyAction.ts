import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  handOverCreatedKey,
  keysClientFor,
  type LlmUsageKeyActionOptions,
  newKeyOptionsOf,
  newKeySchema,
} from './keyActionSupport';

export const ROTATE_KEY_ACTION_ID = 'llm-usage:key:rotate';

const DEFAULT_GRACE_DAYS = 7;

/**
 * `llm-usage:key:rotate`: the guided rotation of LLM Usage
 * (`POST /keys/:id/rotate`), as the person running the template. It creates
 * the replacement of a key (same account, owner, Component, tags and limit)
 * and records the rotation: the old key expires when the grace period ends
 * and LLM Usage then deletes it (at the provider where it can) once no call
 * uses it. The new secret is handed to the next step.
 *
 * @public
 */
export function createLlmUsageKeyRotateAction(
  options: LlmUsageKeyActionOptions,
) {
  return createTemplateAction({
    id: ROTATE_KEY_ACTION_ID,
    description:
      'Rotates an LLM Usage key: creates the replacement at the provider with the same account, ' +
      'owner, Component, tags and limit, and records the rotation: after a grace period LLM Usage ' +
      'deletes the old key once no calls use it. ' +
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
              `Days the old key keeps working; after them LLM Usage deletes it once no calls use it (default ${DEFAULT_GRACE_DAYS})`,
            ),
        ...newKeySchema.input,
      },
      output: {
        ...newKeySchema.output,
        oldKeyId: z => z.string().describe('The rotated key'),
        oldKeyDeleteAfter: z =>
          z
            .string()
            .describe(
              'When the grace period ends (the old key’s new expiry): after it the old key is deleted once no calls use it',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const client = await keysClientFor(ctx, ROTATE_KEY_ACTION_ID, options);
      const { created, rotation } = await client.rotateKey(input.keyId, {
        graceDays: input.graceDays,
        name: input.name,
        ...newKeyOptionsOf(ctx, options),
      });
      handOverCreatedKey(ctx, created);
      ctx.output('oldKeyId', rotation.oldKeyId);
      ctx.output('oldKeyDeleteAfter', rotation.graceEndsAt);
      ctx.logger.info(
        `Created key ${created.key.id} (${
          created.key.maskedHint ?? 'no hint'
        }) to replace ${rotation.oldKeyId}, which LLM Usage deletes after ` +
          `${rotation.graceEndsAt} once no calls use it (rotation ${rotation.id})`,
      );
    },
  });
}
