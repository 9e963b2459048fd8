import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  CreateProviderKeyRequest,
  CreateProviderKeyResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { z } from 'zod/v3';
import { LlmUsageKeysClient } from '../LlmUsageKeysClient';

/** The zod the scaffolder hands to schema functions. */
type Zod = typeof z;

/** What the key actions need from the backend they run in. @public */
export interface LlmUsageKeyActionOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /**
   * Whether the scaffolder persists step outputs (`scaffolder.taskRecovery`):
   * the actions then refuse to run, since the secret would be stored in plain
   * text in the scaffolder's database.
   */
  taskRecoveryEnabled?: boolean;
  /** For tests. */
  now?: () => number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The inputs both actions take, and the outputs both give, for the key they create. */
export const newKeySchema = {
  input: {
    expiresInDays: (z: Zod) =>
      z
        .number()
        .int()
        .min(1)
        .max(3650)
        .optional()
        .describe('The new key’s expiry, in days from now'),
    storeSecret: (z: Zod) =>
      z
        .boolean()
        .optional()
        .describe(
          'Also keep the new secret in the LLM Usage inventory, encrypted (default false)',
        ),
  },
  output: {
    keyId: (z: Zod) =>
      z.string().describe('The new key’s id in the LLM Usage inventory'),
    providerKeyId: (z: Zod) =>
      z.string().nullable().describe('The provider’s id of the new key'),
    maskedHint: (z: Zod) =>
      z
        .string()
        .nullable()
        .describe('The masked key (e.g. `sk-…abcd`), safe to show'),
    secret: (z: Zod) =>
      z
        .string()
        .describe(
          'SECRET: the new key itself, handed over once. Pass it only into the input of a step ' +
            'that stores it in a secret store; never into `output:`, a file, a log or a catalog entity.',
        ),
  },
};

/**
 * A client that acts as the person running the template, for an action
 * that hands a new key's secret over (see {@link assertSecretStaysInMemory}).
 */
export async function keysClientFor(
  ctx: Pick<ActionContext<any>, 'getInitiatorCredentials'>,
  actionId: string,
  options: LlmUsageKeyActionOptions,
): Promise<LlmUsageKeysClient> {
  assertSecretStaysInMemory(actionId, options);
  return new LlmUsageKeysClient({
    discovery: options.discovery,
    auth: options.auth,
    onBehalfOf: await ctx.getInitiatorCredentials(),
  });
}

/**
 * Step outputs live in memory between steps, unless task recovery is on:
 * then the scaffolder writes them to its database as they are.
 */
function assertSecretStaysInMemory(
  actionId: string,
  options: LlmUsageKeyActionOptions,
) {
  if (options.taskRecoveryEnabled) {
    throw new InputError(
      `${actionId} hands a new API key to the next step as an output, and with ` +
        'scaffolder.taskRecovery.enabled the scaffolder stores step outputs in its database ' +
        'in plain text. Turn task recovery off to use this action.',
    );
  }
}

/**
 * The new key's expiry and secret storage, from the `newKeySchema` inputs,
 * as `POST /keys/provider` and `POST /keys/:id/rotate` take them.
 */
export function newKeyOptionsOf(
  ctx: ActionContext<any, any>,
  options: Pick<LlmUsageKeyActionOptions, 'now'>,
): Pick<CreateProviderKeyRequest, 'expiresAt' | 'storeSecret'> {
  const { expiresInDays, storeSecret } = ctx.input as {
    expiresInDays?: number;
    storeSecret?: boolean;
  };
  const now = (options.now ?? Date.now)();
  return {
    expiresAt: expiresInDays
      ? new Date(now + expiresInDays * DAY_MS).toISOString()
      : null,
    storeSecret: storeSecret ?? false,
  };
}

/**
 * Creates the key at the provider, with the expiry and secret storage of
 * the `newKeySchema` inputs, and hands it to the next steps.
 */
export async function createNewKey(
  ctx: ActionContext<any, any>,
  client: LlmUsageKeysClient,
  request: Omit<CreateProviderKeyRequest, 'expiresAt' | 'storeSecret'>,
  options: Pick<LlmUsageKeyActionOptions, 'now'>,
): Promise<CreateProviderKeyResponse> {
  const created = await client.createAtProvider({
    ...request,
    ...newKeyOptionsOf(ctx, options),
  });
  handOverCreatedKey(ctx, created);
  return created;
}

/**
 * Hands the created key to the next steps. The scaffolder's step logger
 * redacts the strings it is given (an addition to LoggerService, hence the
 * check): anything this step logs after this point shows `***` instead.
 */
export function handOverCreatedKey(
  ctx: ActionContext<any, any>,
  created: CreateProviderKeyResponse,
) {
  const logger = ctx.logger as LoggerService & {
    addRedactions?: (redactions: Iterable<string>) => void;
  };
  logger.addRedactions?.([created.secret]);
  ctx.output('keyId', created.key.id);
  ctx.output('providerKeyId', created.key.providerKeyId);
  ctx.output('maskedHint', created.key.maskedHint);
  ctx.output('secret', created.secret);
}
