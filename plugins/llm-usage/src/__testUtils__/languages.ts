import {
  type ExtensionDefinition,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { TranslationBlueprint } from '@backstage/plugin-app-react';
import { LLM_USAGE_LANGUAGES, llmUsageTranslations } from '../translations';

/**
 * Test-app options for a viewer reading `language`, with the plugin's
 * translations registered as the example app does (every language offered);
 * `extensions` adds more to the app, e.g. translation overrides.
 */
export function inLanguage(
  language: string,
  extensions: ExtensionDefinition[] = [],
) {
  return {
    config: {
      app: {
        extensions: [
          {
            'api:app/app-language': {
              config: {
                availableLanguages: [...LLM_USAGE_LANGUAGES],
                defaultLanguage: language,
              },
            },
          },
        ],
      },
    },
    features: [
      createFrontendModule({
        pluginId: 'app',
        extensions: [
          TranslationBlueprint.make({
            name: 'llm-usage',
            params: { resource: llmUsageTranslations },
          }),
          ...extensions,
        ],
      }),
    ],
  };
}
