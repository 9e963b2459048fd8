import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
  type PermissionResourceRef,
} from '@backstage/plugin-permission-node';
import {
  LLM_USAGE_ACCOUNT_RESOURCE_TYPE,
  LLM_USAGE_KEY_RESOURCE_TYPE,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';

/** What the rules look at: keys and accounts are owned by one entity ref. */
export interface OwnedResource {
  ownerRef: string | null;
}

/** A rule as a database filter: owner_ref is one of these refs (lower case). */
export interface OwnerQuery {
  ownerRefs: string[];
}

/** @public */
export const llmUsageKeyResourceRef = createPermissionResourceRef<
  OwnedResource,
  OwnerQuery
>().with({ pluginId: 'llm-usage', resourceType: LLM_USAGE_KEY_RESOURCE_TYPE });

/** @public */
export const llmUsageAccountResourceRef = createPermissionResourceRef<
  OwnedResource,
  OwnerQuery
>().with({
  pluginId: 'llm-usage',
  resourceType: LLM_USAGE_ACCOUNT_RESOURCE_TYPE,
});

type ClaimsParams = { claims: string[] };

const claimsZod = z.object({ claims: z.array(z.string()) }).strict();

const claimsJsonSchema = () => ({
  type: 'object',
  properties: {
    claims: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Entity refs (the user and their groups); the resource matches when its owner is one of them',
    },
  },
  required: ['claims'],
  additionalProperties: false,
});

// A Standard Schema by hand: the permission framework wants JSON Schema
// conversion, which the zod version of this package does not offer.
const claimsSchema = {
  '~standard': {
    version: 1 as const,
    vendor: 'llm-usage',
    validate: (value: unknown) => {
      const result = claimsZod.safeParse(value);
      return result.success
        ? { value: result.data as ClaimsParams }
        : {
            issues: result.error.issues.map(issue => ({
              message: issue.message,
              path: issue.path,
            })),
          };
    },
    jsonSchema: { input: claimsJsonSchema, output: claimsJsonSchema },
  },
};

function ownedByOneOf(resource: OwnedResource, claims: string[]): boolean {
  if (!resource.ownerRef) {
    return false;
  }
  // Entity refs compare case-insensitively.
  const owner = resource.ownerRef.toLocaleLowerCase('en-US');
  return claims.some(claim => claim.toLocaleLowerCase('en-US') === owner);
}

function ownerQuery(claims: string[]): OwnerQuery {
  return { ownerRefs: claims.map(claim => claim.toLocaleLowerCase('en-US')) };
}

/** IS_OWNER on one resource type: its owner is one of the claims. */
function isOwnerOf<TResourceType extends string>(
  resourceRef: PermissionResourceRef<
    OwnedResource,
    OwnerQuery,
    TResourceType,
    'llm-usage'
  >,
  resources: string,
) {
  return createPermissionRule<typeof resourceRef, ClaimsParams>({
    name: 'IS_OWNER',
    description: `Allow ${resources} owned by one of the given entity refs`,
    resourceRef,
    paramsSchema: claimsSchema,
    apply: (resource, { claims }) => ownedByOneOf(resource, claims),
    toQuery: ({ claims }) => ownerQuery(claims),
  });
}

/** @public */
export const isKeyOwner = isOwnerOf(llmUsageKeyResourceRef, 'keys');

/** @public */
export const isAccountOwner = isOwnerOf(
  llmUsageAccountResourceRef,
  'provider accounts',
);

const keyConditionExports = createConditionExports({
  resourceRef: llmUsageKeyResourceRef,
  rules: { isOwner: isKeyOwner },
});

const accountConditionExports = createConditionExports({
  resourceRef: llmUsageAccountResourceRef,
  rules: { isOwner: isAccountOwner },
});

/**
 * Conditions a permission policy can return for LLM Usage keys, e.g.
 * `createLlmUsageKeyConditionalDecision(permission, llmUsageKeyConditions.isOwner({ claims }))`.
 *
 * @public
 */
export const llmUsageKeyConditions = keyConditionExports.conditions;
/** @public */
export const createLlmUsageKeyConditionalDecision =
  keyConditionExports.createConditionalDecision;
/** @public */
export const llmUsageAccountConditions = accountConditionExports.conditions;
/** @public */
export const createLlmUsageAccountConditionalDecision =
  accountConditionExports.createConditionalDecision;
