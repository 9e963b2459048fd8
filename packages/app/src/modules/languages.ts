import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { TranslationBlueprint } from '@backstage/plugin-app-react';
import appPlugin from '@backstage/plugin-app';
import { llmUsageTranslations } from '@llm-usage/backstage-plugin-llm-usage/alpha';

/** Languages the user can pick in Settings; the first is the default. */
export const APP_LANGUAGES = ['en', 'zh'];

/**
 * Offers English and Simplified Chinese. With more than one language the
 * user settings page shows a language selector. `app.extensions` config for
 * `api:app/app-language` still wins over these defaults.
 */
export const languagesModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    appPlugin.getExtension('api:app/app-language').override({
      factory: (originalFactory, { config }) =>
        originalFactory({
          config: {
            defaultLanguage: config.defaultLanguage,
            availableLanguages: config.availableLanguages ?? APP_LANGUAGES,
          },
        }),
    }),
    TranslationBlueprint.make({
      name: 'llm-usage',
      params: { resource: llmUsageTranslations },
    }),
  ],
});
