import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { llmUsageKeyReadPermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import type {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import type { OwnedResource } from '../permissions/rules';
import type { KeyRecord } from './KeyStore';

/** Decisions asked once per request, so a batch of 500 keys asks 1–3 times. */
export class DecisionCache {
  private readonly decisions = new Map<string, Promise<PolicyDecision>>();

  constructor(
    private readonly authorizer: LlmUsageAuthorizer,
    private readonly credentials: BackstageCredentials,
  ) {}

  decide(permission: ResourcePermission): Promise<PolicyDecision> {
    return this.cached(permission, () =>
      this.authorizer.keys.decide(this.credentials, permission),
    );
  }

  /** Account permissions (using an account's credentials), cached the same way. */
  decideAccount(permission: ResourcePermission): Promise<PolicyDecision> {
    return this.cached(permission, () =>
      this.authorizer.accounts.decide(this.credentials, permission),
    );
  }

  private cached(
    permission: ResourcePermission,
    ask: () => Promise<PolicyDecision>,
  ): Promise<PolicyDecision> {
    const id = `${permission.resourceType}:${permission.name}`;
    let decision = this.decisions.get(id);
    if (!decision) {
      decision = ask();
      this.decisions.set(id, decision);
    }
    return decision;
  }

  /** For a key as it would be stored (a new key, a new owner). */
  async assert(
    permission: ResourcePermission,
    resource: OwnedResource,
  ): Promise<void> {
    if (!this.authorizer.keys.allows(await this.decide(permission), resource)) {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on a key owned by ${
          resource.ownerRef ?? 'nobody'
        }`,
      );
    }
  }

  /**
   * For a stored key: one the caller may not read is not found (its owner is
   * not told); one they read but may not change is refused.
   */
  async assertOnKey(
    permission: ResourcePermission,
    key: KeyRecord,
  ): Promise<void> {
    if (this.authorizer.keys.allows(await this.decide(permission), key)) return;
    if (
      permission === llmUsageKeyReadPermission ||
      !this.authorizer.keys.allows(
        await this.decide(llmUsageKeyReadPermission),
        key,
      )
    ) {
      throw new NotFoundError(`No key '${key.id}'`);
    }
    throw new NotAllowedError(
      `Not allowed: ${permission.name} on key '${key.id}'`,
    );
  }
}
