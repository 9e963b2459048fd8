/** Tables of the provider side (migration 20261125000000_provider_accounts). */
export const ACCOUNTS_TABLE = 'llm_usage_accounts';
export const KEYS_TABLE = 'llm_usage_keys';
export const TAGS_TABLE = 'llm_usage_tags';
export const KEY_TAGS_TABLE = 'llm_usage_key_tags';
export const PROVIDER_USAGE_TABLE = 'llm_usage_provider_usage';
export const BALANCES_TABLE = 'llm_usage_balances';
export const SYNC_RUNS_TABLE = 'llm_usage_sync_runs';
