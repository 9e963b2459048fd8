import { screen } from '@testing-library/react';
import {
  type ApiHolder,
  appLanguageApiRef,
  type ExtensionDefinition,
  coreExtensionData,
  createTranslationMessages,
  translationApiRef,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { TranslationBlueprint } from '@backstage/plugin-app-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { llmUsageTranslationRef } from '../translation';
import {
  LLM_USAGE_LANGUAGES,
  llmUsageTitleIn,
  translationLoaders,
} from '../translations';
import { inLanguage } from '../__testUtils__/languages';
import { llmUsageEntityContent, llmUsagePage } from './plugin';
import { llmUsageTitle } from './title';

/**
 * The APIs of a test app whose viewer reads `language`, with the plugin's
 * translations registered as the example app does: the real translation
 * and app-language APIs, in the state extension factories meet them in.
 */
async function appApis(
  language: string,
  extensions: ExtensionDefinition[] = [],
): Promise<ApiHolder> {
  let holder: ApiHolder | undefined;
  function Capture() {
    holder = useApiHolder();
    return <p>app started</p>;
  }
  renderInTestApp(<Capture />, inLanguage(language, extensions));
  await screen.findByText('app started');
  return holder!;
}

/** The app's translation and language APIs, for an extension tester. */
function languageApis(apis: ApiHolder) {
  return [
    [translationApiRef, apis.get(translationApiRef)!],
    [appLanguageApiRef, apis.get(appLanguageApiRef)!],
  ] as const;
}

/** The tab's title as the catalog entity page receives it. */
function tabTitle(apis: ApiHolder, config?: { title?: string }) {
  return createExtensionTester(llmUsageEntityContent, {
    config,
    apis: languageApis(apis),
  }).get(EntityContentBlueprint.dataRefs.title);
}

/** The page's title, which the app's navigation shows. */
function pageTitle(apis: ApiHolder) {
  return createExtensionTester(llmUsagePage, {
    apis: languageApis(apis),
  }).get(coreExtensionData.title);
}

describe('the title of the entity tab and the page', () => {
  // The app remembers the chosen language in local storage.
  beforeEach(() => window.localStorage.clear());

  it.each([
    ['ja', 'LLM 使用状況'],
    ['de', 'LLM-Nutzung'],
    ['zh', 'LLM 用量'],
  ])(
    'is in %s when the app starts in it, before its language file has loaded',
    async (language, title) => {
      const apis = await appApis(language);
      // Why the translation API alone is not enough at factory time.
      expect(
        apis.get(translationApiRef)!.getTranslation(llmUsageTranslationRef)
          .ready,
      ).toBe(false);
      expect(tabTitle(apis)).toBe(title);
      expect(pageTitle(apis)).toBe(title);
    },
  );

  it('comes from the translation API once the language has loaded', async () => {
    const apis = await appApis('ja');
    const translationApi = apis.get(translationApiRef)!;
    // Subscribing makes the API load the Japanese file.
    const loaded = new Promise<void>(resolve => {
      const subscription = translationApi
        .translation$(llmUsageTranslationRef)
        .subscribe(snapshot => {
          if (snapshot.ready) {
            subscription.unsubscribe();
            resolve();
          }
        });
    });
    await loaded;
    expect(translationApi.getTranslation(llmUsageTranslationRef).ready).toBe(
      true,
    );
    expect(tabTitle(apis)).toBe('LLM 使用状況');
  });

  it('is English in English', async () => {
    expect(tabTitle(await appApis('en'))).toBe('LLM Usage');
  });

  it('follows the app’s own wording of nav.title', async () => {
    const apis = await appApis('en', [
      TranslationBlueprint.make({
        name: 'own-wording',
        params: {
          resource: createTranslationMessages({
            ref: llmUsageTranslationRef,
            messages: { 'nav.title': 'AI Spend' },
          }),
        },
      }),
    ]);
    expect(tabTitle(apis)).toBe('AI Spend');
    expect(pageTitle(apis)).toBe('AI Spend');
  });

  it('is the one in app-config when set there, in any language', async () => {
    const apis = await appApis('ja');
    expect(tabTitle(apis, { title: 'Token spend' })).toBe('Token spend');
  });

  it('falls back to English without the app APIs', () => {
    expect(llmUsageTitle({ get: () => undefined })).toBe('LLM Usage');
  });

  it('registers each language with the name its file gives the plugin', async () => {
    const languages = LLM_USAGE_LANGUAGES.filter(l => l !== 'en');
    expect(languages.length).toBe(10);
    for (const language of languages) {
      const module = (await translationLoaders[language]()) as {
        default: { messages: Record<string, string> };
      };
      expect([language, llmUsageTitleIn(language)]).toEqual([
        language,
        module.default.messages['nav.title'],
      ]);
    }
    expect(llmUsageTitleIn('en')).toBeUndefined();
    expect(llmUsageTitleIn('sv')).toBeUndefined();
    expect(llmUsageTitleIn('constructor')).toBeUndefined();
  });
});
