/**
 * A row of the daily provider usage table (PROVIDER_USAGE_TABLE): one model
 * in USD with no tokens and no cost unless the caller says otherwise.
 */
export function providerUsageRow(
  row: {
    account_id: string;
    day_start: number;
    provider_key_id: string;
    synced_at: number;
  } & Record<string, unknown>,
) {
  return {
    model: 'gpt-4o',
    provider_project_id: '',
    currency: 'USD',
    input_tokens: 0,
    output_tokens: 0,
    cached_tokens: 0,
    requests: 1,
    cost_nanos: 0,
    ...row,
  };
}
