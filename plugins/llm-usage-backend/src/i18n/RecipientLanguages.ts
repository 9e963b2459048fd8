import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { supportedLanguage, translatorFor, type Translator } from './index';
import type { LanguagePreferenceStore } from './LanguagePreferenceStore';

/**
 * Which language a recipient reads: a user's chosen language (sent by the
 * app; Backstage keeps no language per user on the backend), else the
 * configured `llmUsage.locale.default`, else English. A group is one
 * notification for all its members, so it reads the default.
 */
export class RecipientLanguages {
  constructor(
    private readonly preferences: LanguagePreferenceStore,
    readonly defaultLanguage: string,
  ) {}

  static fromConfig(config: Config, preferences: LanguagePreferenceStore) {
    const configured = config.getOptionalString('llmUsage.locale.default');
    const language = supportedLanguage(configured);
    if (configured && !language) {
      throw new Error(
        `llmUsage.locale.default "${configured}" is not a language the plugin writes in`,
      );
    }
    return new RecipientLanguages(preferences, language ?? 'en');
  }

  /** The translator for one notification to these entity refs. */
  async translatorFor(recipients: string[]): Promise<Translator> {
    if (recipients.length === 1 && recipients[0].startsWith('user:')) {
      const chosen = (await this.preferences.languagesOf(recipients)).get(
        recipients[0],
      );
      const language = supportedLanguage(chosen);
      if (language) return translatorFor(language);
    }
    return translatorFor(this.defaultLanguage);
  }

  /**
   * The translator for the caller of a request, e.g. the header row of an
   * export: a user reads their chosen language, a service the default.
   */
  async translatorForCaller(
    credentials: BackstageCredentials,
  ): Promise<Translator> {
    const principal = credentials.principal as { userEntityRef?: unknown };
    return typeof principal.userEntityRef === 'string'
      ? this.translatorFor([principal.userEntityRef])
      : this.defaultTranslator();
  }

  /** The translator for a channel without a person, e.g. a webhook. */
  defaultTranslator(): Translator {
    return translatorFor(this.defaultLanguage);
  }
}
