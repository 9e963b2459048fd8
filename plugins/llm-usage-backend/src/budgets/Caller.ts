import type {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { VisibilityScope } from '../database/types';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';

/**
 * Who is asking, with what they own: enough to decide which budgets, balances
 * and audit events they may see or change.
 */
export interface Caller {
  /** The user entity ref, or `service:<subject>` for a service. */
  actorRef: string;
  isAdmin: boolean;
  /** Lower-cased ownership refs (the user and their groups); empty for services. */
  ownershipRefs: string[];
  scope: VisibilityScope;
}

/** Entity refs compare case-insensitively in Backstage. */
export function normalizeRef(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

export class CallerResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly userInfo: UserInfoService,
    private readonly visibility: VisibilityResolver,
  ) {}

  /** Throws NotAllowedError when the caller may not read LLM usage at all. */
  async resolve(credentials: BackstageCredentials): Promise<Caller> {
    // Who a user is is asked while what they may read is decided; a refusal
    // of the latter is still what a refused caller hears.
    const userInfo = this.auth.isPrincipal(credentials, 'user')
      ? this.userInfo.getUserInfo(credentials)
      : undefined;
    userInfo?.catch(() => {});
    const scope = await this.visibility.scopeFor(credentials);
    if (!userInfo) {
      const subject = this.auth.isPrincipal(credentials, 'service')
        ? credentials.principal.subject
        : 'unknown';
      return {
        actorRef: `service:${subject}`,
        isAdmin: scope.kind === 'all',
        ownershipRefs: [],
        scope,
      };
    }
    const info = await userInfo;
    return {
      actorRef: info.userEntityRef,
      isAdmin: scope.kind === 'all',
      ownershipRefs: [
        ...new Set(
          [info.userEntityRef, ...info.ownershipEntityRefs].map(normalizeRef),
        ),
      ],
      scope,
    };
  }
}
