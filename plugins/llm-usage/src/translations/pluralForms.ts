import { llmUsageTranslationRef } from '../translation';

type Messages = typeof llmUsageTranslationRef.T;
/** Keys the English reference pluralises, e.g. `keyWorkspace.delete.title`. */
type PluralBase = {
  [K in keyof Messages]: K extends `${infer Base}_other` ? Base : never;
}[keyof Messages];

/**
 * The plural forms a language needs beyond the English `_one` and `_other`
 * (Russian `_few` and `_many`; `_many` for millions in French, Spanish,
 * Italian and Portuguese), checked against the keys English pluralises.
 * `full: true` translation messages only accept the English key set, so a
 * language file spreads these into its messages.
 */
export function pluralForms(
  forms: Partial<
    Record<`${PluralBase}_${'zero' | 'two' | 'few' | 'many'}`, string>
  >,
): Record<string, string> {
  return forms as Record<string, string>;
}
