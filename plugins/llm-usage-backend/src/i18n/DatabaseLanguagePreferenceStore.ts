import type { Knex } from 'knex';
import type { LanguagePreferenceStore } from './LanguagePreferenceStore';

const TABLE = 'llm_usage_language_preferences';

/** {@link LanguagePreferenceStore} in the plugin's database. */
export class DatabaseLanguagePreferenceStore
  implements LanguagePreferenceStore
{
  constructor(private readonly db: Knex) {}

  async languagesOf(userRefs: string[]): Promise<Map<string, string>> {
    if (userRefs.length === 0) return new Map();
    const rows: Array<{ user_ref: string; language: string }> = await this.db(
      TABLE,
    )
      .whereIn('user_ref', userRefs)
      .select('user_ref', 'language');
    return new Map(rows.map(row => [row.user_ref, row.language]));
  }

  async set(userRef: string, language: string, now = Date.now()) {
    await this.db(TABLE)
      .insert({ user_ref: userRef, language, updated_at: now })
      .onConflict('user_ref')
      .merge(['language', 'updated_at']);
  }
}
