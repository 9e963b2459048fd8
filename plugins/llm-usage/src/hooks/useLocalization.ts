import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { llmUsageTranslationRef } from '../translation';
import { useFormatters } from './useFormatters';

/**
 * The plugin's texts and the viewer's number, money and time formats. Both
 * follow the app's language, so a component asks for them together.
 *
 * @internal
 */
export function useLocalization() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  return { t, format };
}
