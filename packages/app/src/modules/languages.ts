import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { TranslationBlueprint } from '@backstage/plugin-app-react';
import appPlugin from '@backstage/plugin-app';
import {
  LLM_USAGE_LANGUAGES,
  llmUsageTranslations,
} from '@llm-usage/backstage-plugin-llm-usage/alpha';

/**
 * Languages the user can pick in Settings (every language the LLM Usage
 * plugin speaks); the first is the default.
 */
export const APP_LANGUAGES = [...LLM_USAGE_LANGUAGES];

/**
 * Offers the plugin's languages. With more than one language the
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
