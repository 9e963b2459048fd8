import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { LlmUsageKeysClient } from '../LlmUsageKeysClient';
import {
  createNewKey,
  keysClientFor,
  type LlmUsageKeyActionOptions,
  newKeySchema,
} from './keyActionSupport';

export const CREATE_KEY_ACTION_ID = 'llm-usage:key:create';

/**
 * `llm-usage:key:create`: creates a key at the provider of an LLM Usage
 * account (where the provider can), registers it with its owner and
 * Component, and hands the secret to the next step.
 *
 * @public
 */
export function createLlmUsageKeyCreateAction(
  options: LlmUsageKeyActionOptions,
) {
  return createTemplateAction({
    id: CREATE_KEY_ACTION_ID,
    description:
      'Creates an API key at the provider of an LLM Usage account (where the provider supports ' +
      'it) and registers it with its owner and Component, as the person running the template. ' +
      'The secret is an output for the next step only (e.g. a secret store).',
    examples: [
      {
        description: 'A key for a new service, stored by the next step',
        example: [
          'steps:',
          '  - id: key',
          '    action: llm-usage:key:create',
          '    input:',
          '      accountId: openrouter-main',
          '      name: ${{ parameters.name }}',
          '      ownerRef: ${{ parameters.owner }}',
          '      componentRef: component:default/${{ parameters.name }}',
          '      expiresInDays: 90',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        accountId: z =>
          z
            .string()
            .min(1)
            .max(64)
            .describe('The LLM Usage provider account to create the key on'),
        name: z => z.string().min(1).max(255).describe('The key’s name'),
        ownerRef: z =>
          z
            .string()
            .min(1)
            .describe(
              'The Group or User that owns the key, e.g. group:default/team-a',
            ),
        componentRef: z =>
          z
            .string()
            .min(1)
            .optional()
            .describe(
              'The Component (service) that uses the key, e.g. component:default/checkout',
            ),
        tags: z =>
          z
            .array(z.string().min(1))
            .max(50)
            .optional()
            .describe('Names of existing LLM Usage tags to put on the key'),
        notes: z =>
          z.string().max(4000).optional().describe('Notes on the key'),
        ...newKeySchema.input,
      },
      output: newKeySchema.output,
    },
    async handler(ctx) {
      const { input } = ctx;
      const client = await keysClientFor(ctx, CREATE_KEY_ACTION_ID, options);
      const tagIds = input.tags?.length
        ? await tagIdsByName(client, input.tags)
        : undefined;
      const created = await createNewKey(
        ctx,
        client,
        {
          accountId: input.accountId,
          name: input.name,
          ownerRef: input.ownerRef,
          componentRef: input.componentRef ?? null,
          notes: input.notes ?? null,
          tagIds,
        },
        options,
      );
      ctx.logger.info(
        `Created key ${created.key.id} (${
          created.key.maskedHint ?? 'no hint'
        }) on account ` +
          `${created.key.accountId} for ${
            input.componentRef ?? input.ownerRef
          }`,
      );
    },
  });
}

/** Tags are shared and created by admins: a template may only name existing ones. */
async function tagIdsByName(
  client: LlmUsageKeysClient,
  names: string[],
): Promise<string[]> {
  const { items } = await client.listTags();
  const byName = new Map(items.map(tag => [tag.name.toLowerCase(), tag.id]));
  const unknown = names.filter(name => !byName.has(name.toLowerCase()));
  if (unknown.length) {
    throw new InputError(
      `Invalid field 'tags': no LLM Usage tag named ${unknown
        .map(name => `'${name}'`)
        .join(', ')}; an admin creates tags in LLM Usage settings`,
    );
  }
  return names.map(name => byName.get(name.toLowerCase())!);
}
