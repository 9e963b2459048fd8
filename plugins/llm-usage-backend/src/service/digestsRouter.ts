import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  DIGEST_CADENCES,
  type DigestPreferencesResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import type { AuditLog } from '../audit/AuditLog';
import type { CallerResolver } from '../budgets/Caller';
import { parseDigestPreferences } from '../budgets/budgetSchemas';
import type { DigestPreferenceStore } from '../digests/DigestPreferenceStore';
import { supportedLanguage } from '../i18n';
import type { LanguagePreferenceStore } from '../i18n/LanguagePreferenceStore';
import type { RecipientLanguages } from '../i18n/RecipientLanguages';
import { jsonBody } from './rejectNulCharacters';
import { specRouter } from './specRouter';

export interface DigestsRouterOptions {
  httpAuth: HttpAuthService;
  callers: CallerResolver;
  preferences: DigestPreferenceStore;
  /** Each user's app language, for the texts sent to them. */
  languagePreferences: LanguagePreferenceStore;
  /** The language of those who chose none (`llmUsage.locale.default`). */
  recipientLanguages: Pick<RecipientLanguages, 'defaultLanguage'>;
  audit: Pick<AuditLog, 'record'>;
}

/**
 * `/digests/preferences`: spend digests per owner, on unless opted out;
 * `/preferences/language`: the language the caller reads them in.
 */
export const createDigestsRouter = specRouter(
  { bodyParser: jsonBody(), bodyPaths: ['/digests', '/preferences'] },
  (router, options: DigestsRouterOptions) => {
    const { httpAuth, callers, preferences, languagePreferences, audit } =
      options;

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

    const languageOf = async (userRef: string) => ({
      language:
        supportedLanguage(
          (await languagePreferences.languagesOf([userRef])).get(userRef),
        ) ?? null,
      defaultLanguage: options.recipientLanguages.defaultLanguage,
    });

    router.get('/preferences/language', async (req, res) => {
      const caller = await callerOf(req);
      res.json(await languageOf(caller.actorRef));
    });

    // The app sends its language when the user picks one (the spec refuses
    // codes the plugin does not write in).
    router.put('/preferences/language', async (req, res) => {
      const caller = await callerOf(req);
      const language = supportedLanguage(req.body.language);
      if (!language) {
        throw new InputError(`language: not a supported language`);
      }
      const before = await languageOf(caller.actorRef);
      await languagePreferences.set(caller.actorRef, language);
      const after = await languageOf(caller.actorRef);
      await audit.record({
        actor: caller.actorRef,
        action: 'language.preference.update',
        targetType: 'languagePreference',
        targetId: caller.actorRef,
        before,
        after,
        request: req,
      });
      res.json(after);
    });
  },
);
