import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type PermissionCriteria,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import type { Knex } from 'knex';
import type { OwnedResource, OwnerQuery } from './rules';

/**
 * A decision turned into something a store can apply: everything, nothing,
 * or the rows matching owner criteria.
 */
export type OwnerFilter =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'conditional'; criteria: PermissionCriteria<OwnerQuery> };

/** Applies an {@link OwnerFilter} to a query on a table with an owner column. */
export function applyOwnerFilter(
  query: Knex.QueryBuilder,
  filter: OwnerFilter,
  ownerColumn: string,
): void {
  if (filter.kind === 'all') return;
  if (filter.kind === 'none') {
    query.whereRaw('1 = 0');
    return;
  }
  const apply = (
    builder: Knex.QueryBuilder,
    criteria: PermissionCriteria<OwnerQuery>,
  ): void => {
    if ('allOf' in criteria) {
      builder.where(inner => {
        for (const child of criteria.allOf) inner.where(c => apply(c, child));
      });
    } else if ('anyOf' in criteria) {
      builder.where(inner => {
        inner.whereRaw('1 = 0');
        for (const child of criteria.anyOf) inner.orWhere(c => apply(c, child));
      });
    } else if ('not' in criteria) {
      builder.whereNot(inner => apply(inner, criteria.not));
    } else if (criteria.ownerRefs.length === 0) {
      builder.whereRaw('1 = 0');
    } else {
      builder.whereRaw(
        `lower(${ownerColumn}) in (${criteria.ownerRefs
          .map(() => '?')
          .join(', ')})`,
        criteria.ownerRefs,
      );
    }
  };
  query.where(builder => apply(builder, filter.criteria));
}

/** Decisions for one resource type (keys or accounts), applied locally. */
class ResourceAuthorizer {
  private readonly toQuery;
  private readonly authorize;

  constructor(
    private readonly permissions: PermissionsService,
    ruleset: PermissionRuleset<OwnedResource, OwnerQuery>,
  ) {
    this.toQuery = createConditionTransformer(ruleset);
    this.authorize = createConditionAuthorizer(ruleset);
  }

  async decide(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<PolicyDecision> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  /** For lists: the rows the caller may see, as a filter. */
  async filter(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<OwnerFilter> {
    return this.toFilter(await this.decide(credentials, permission));
  }

  toFilter(decision: PolicyDecision): OwnerFilter {
    if (decision.result === AuthorizeResult.ALLOW) return { kind: 'all' };
    if (decision.result === AuthorizeResult.DENY) return { kind: 'none' };
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return {
        kind: 'conditional',
        criteria: this.toQuery(decision.conditions),
      };
    }
    return { kind: 'none' };
  }

  /** Whether a decision allows this resource (loaded, or as it would be stored). */
  allows(decision: PolicyDecision, resource: OwnedResource): boolean {
    return this.authorize(decision, resource);
  }

  /** Throws NotAllowedError unless the caller may act on the resource. */
  async assert(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    resource: OwnedResource,
  ): Promise<void> {
    const decision = await this.decide(credentials, permission);
    if (!this.allows(decision, resource)) {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} needs an owner you belong to or the LLM Usage admin role`,
      );
    }
  }
}

/**
 * Key and account permission checks. Conditional decisions are evaluated
 * here, against rows the stores already loaded (single resources) or as SQL
 * filters (lists), so what a list shows and what a route allows agree.
 */
export class LlmUsageAuthorizer {
  readonly keys: ResourceAuthorizer;
  readonly accounts: ResourceAuthorizer;

  constructor(
    permissions: PermissionsService,
    rulesets: {
      keys: PermissionRuleset<OwnedResource, OwnerQuery>;
      accounts: PermissionRuleset<OwnedResource, OwnerQuery>;
    },
  ) {
    this.keys = new ResourceAuthorizer(permissions, rulesets.keys);
    this.accounts = new ResourceAuthorizer(permissions, rulesets.accounts);
  }
}
