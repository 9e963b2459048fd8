import { useEffect } from 'react';
import {
  appLanguageApiRef,
  useApi,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { llmUsageApiRef } from '../api';
import { LLM_USAGE_LANGUAGES } from '../translations';

/** The language this page load already told the backend. */
let reported: string | undefined;

/**
 * Tells the backend the app's language, so notifications and digests sent
 * to the viewer are written in it (Backstage keeps no language per user on
 * the backend). Once per language and page load; failures are ignored, the
 * next page load tries again.
 *
 * @internal
 */
export function useReportLanguage(): void {
  const api = useApi(llmUsageApiRef);
  const languageApi = useApiHolder().get(appLanguageApiRef);
  useEffect(() => {
    if (!languageApi) return undefined;
    const report = (language: string) => {
      if (language === reported || !LLM_USAGE_LANGUAGES.includes(language)) {
        return;
      }
      reported = language;
      api.updateLanguagePreference(language).catch(() => {
        reported = undefined;
      });
    };
    report(languageApi.getLanguage().language);
    const subscription = languageApi
      .language$()
      .subscribe(next => report(next.language));
    return () => subscription.unsubscribe();
  }, [api, languageApi]);
}

/** For tests: forget what was reported. */
export function resetReportedLanguage(): void {
  reported = undefined;
}
