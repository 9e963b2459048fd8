/** The language each user chose in the app, for texts sent to them. */
export interface LanguagePreferenceStore {
  /** The chosen language of each of these users that chose one. */
  languagesOf(userRefs: string[]): Promise<Map<string, string>>;
  set(userRef: string, language: string, now?: number): Promise<void>;
}
