import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  DIGEST_CADENCES,
  type DigestPreferencesResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import type { AuditLog } from '../audit/AuditLog';
import type { CallerResolver } from '../budgets/Caller';
import { parseDigestPreferences } from '../budgets/budgetSchemas';
import type { DigestPreferenceStore } from '../digests/DigestPreferenceStore';
import { jsonBody } from './rejectNulCharacters';
import {
  createSpecValidatedRouter,
  type SpecRouter,
} from '../schema/specValidatedRouter';

export interface DigestsRouterOptions {
  httpAuth: HttpAuthService;
  callers: CallerResolver;
  preferences: DigestPreferenceStore;
  audit: Pick<AuditLog, 'record'>;
}

/** `/digests/preferences`: spend digests per owner, on unless opted out. */
export async function createDigestsRouter(
  options: DigestsRouterOptions,
): Promise<SpecRouter> {
  const { httpAuth, callers, preferences, audit } = options;
  const router = await createSpecValidatedRouter({
    bodyParser: jsonBody(),
    bodyPaths: ['/digests'],
  });

  const callerOf = async (req: express.Request) =>
    callers.resolve(await httpAuth.credentials(req, { allow: ['user'] }));

  // The caller's own and their groups' settings.
  router.get('/digests/preferences', async (req, res) => {
    const caller = await callerOf(req);
    const owners = caller.ownershipRefs.filter(
      ref => ref.startsWith('user:') || ref.startsWith('group:'),
    );
    const body: DigestPreferencesResponse = {
      items: await preferences.preferencesOf(owners),
    };
    res.json(body);
  });

  router.put('/digests/preferences', async (req, res) => {
    const caller = await callerOf(req);
    const input = parseDigestPreferences(req.body);
    if (!caller.isAdmin && !caller.ownershipRefs.includes(input.ownerRef)) {
      throw new NotAllowedError(
        `Only an admin or ${input.ownerRef} may change its digests`,
      );
    }
    const [before] = await preferences.preferencesOf([input.ownerRef]);
    for (const cadence of DIGEST_CADENCES) {
      const enabled = input[cadence];
      if (enabled !== undefined && enabled !== before[cadence]) {
        await preferences.set(
          input.ownerRef,
          cadence,
          enabled,
          caller.actorRef,
        );
      }
    }
    const [after] = await preferences.preferencesOf([input.ownerRef]);
    await audit.record({
      actor: caller.actorRef,
      action: 'digest.preferences.update',
      targetType: 'digestPreferences',
      targetId: input.ownerRef,
      before,
      after,
      request: req,
    });
    res.json(after);
  });

  return router;
}
