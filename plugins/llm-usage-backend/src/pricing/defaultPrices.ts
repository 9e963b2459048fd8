/**
 * The price book's defaults: list prices of current models of the four
 * providers, per million tokens in the provider's billing currency, each in
 * force from the model's release or its last price change (a call made
 * before an entry's date is not priced by it).
 *
 * Compiled on 2026-12-04 from the providers' pricing pages named in
 * `SOURCES` (as published for these models; this build environment cannot
 * fetch the pages, so the figures were cross-checked against copies of
 * them). Prices change: operators override or add entries in app-config
 * (`llmUsage.pricing.prices`) or on the settings page, which take precedence.
 *
 * Tiered prices keep their first tier (Volcengine Ark: input up to 32K tokens;
 * Gemini: prompts up to 200K tokens). Batch and priority discounts are not
 * modelled. Cached = cache-read price; cache writes are billed as input.
 */

export interface DefaultPrice {
  provider: 'openai' | 'anthropic' | 'openrouter' | 'volcengine';
  model: string;
  currency: 'USD' | 'CNY';
  input: string;
  output: string;
  cached?: string;
  /** `YYYY-MM-DD`, UTC. */
  effectiveFrom: string;
}

export const DEFAULT_PRICES_TAKEN_ON = '2026-12-04';

export const SOURCES: Record<DefaultPrice['provider'], string> = {
  openai: 'https://openai.com/api/pricing/',
  anthropic: 'https://docs.anthropic.com/en/docs/about-claude/pricing',
  openrouter: 'https://openrouter.ai/models',
  volcengine: 'https://www.volcengine.com/docs/82379/1544106',
};

/** A row maker for one provider, in its billing currency. */
const pricesOf =
  (provider: DefaultPrice['provider'], currency: DefaultPrice['currency']) =>
  (
    model: string,
    input: string,
    output: string,
    cached: string | undefined,
    effectiveFrom: string,
  ): DefaultPrice => ({
    provider,
    model,
    currency,
    input,
    output,
    cached,
    effectiveFrom,
  });

const openai = pricesOf('openai', 'USD');
const anthropic = pricesOf('anthropic', 'USD');
const openrouter = pricesOf('openrouter', 'USD');
const volcengine = pricesOf('volcengine', 'CNY');

export const DEFAULT_PRICES: DefaultPrice[] = [
  openai('gpt-5', '1.25', '10', '0.125', '2025-08-07'),
  openai('gpt-5-mini', '0.25', '2', '0.025', '2025-08-07'),
  openai('gpt-5-nano', '0.05', '0.40', '0.005', '2025-08-07'),
  openai('gpt-4.1', '2', '8', '0.50', '2025-04-14'),
  openai('gpt-4.1-mini', '0.40', '1.60', '0.10', '2025-04-14'),
  openai('gpt-4.1-nano', '0.10', '0.40', '0.025', '2025-04-14'),
  openai('gpt-4o', '2.50', '10', '1.25', '2024-10-01'),
  openai('gpt-4o-mini', '0.15', '0.60', '0.075', '2024-07-18'),
  openai('o3', '2', '8', '0.50', '2025-06-10'),
  openai('o4-mini', '1.10', '4.40', '0.275', '2025-04-16'),
  openai('o3-mini', '1.10', '4.40', '0.55', '2025-01-31'),
  openai('text-embedding-3-small', '0.02', '0', undefined, '2024-01-25'),
  openai('text-embedding-3-large', '0.13', '0', undefined, '2024-01-25'),

  anthropic('claude-opus-4-5', '5', '25', '0.50', '2025-11-24'),
  anthropic('claude-opus-4-1', '15', '75', '1.50', '2025-08-05'),
  anthropic('claude-opus-4', '15', '75', '1.50', '2025-05-22'),
  anthropic('claude-sonnet-4-5', '3', '15', '0.30', '2025-09-29'),
  anthropic('claude-sonnet-4', '3', '15', '0.30', '2025-05-22'),
  anthropic('claude-3-7-sonnet', '3', '15', '0.30', '2025-02-24'),
  anthropic('claude-haiku-4-5', '1', '5', '0.10', '2025-10-15'),
  anthropic('claude-3-5-haiku', '0.80', '4', '0.08', '2024-11-04'),

  // OpenRouter passes the vendor's price through; `openai/...` and ids that
  // match an Anthropic model resolve to the vendor's entry (modelMatch.ts),
  // so only OpenRouter's own spellings and other vendors are listed.
  openrouter('anthropic/claude-sonnet-4.5', '3', '15', '0.30', '2025-09-29'),
  openrouter('anthropic/claude-opus-4.1', '15', '75', '1.50', '2025-08-05'),
  openrouter('anthropic/claude-haiku-4.5', '1', '5', '0.10', '2025-10-15'),
  openrouter('anthropic/claude-3.7-sonnet', '3', '15', '0.30', '2025-02-24'),
  openrouter('google/gemini-2.5-pro', '1.25', '10', '0.31', '2025-06-17'),
  openrouter('google/gemini-2.5-flash', '0.30', '2.50', '0.075', '2025-06-17'),

  volcengine('doubao-seed-1-6', '0.80', '8', '0.16', '2025-06-11'),
  volcengine('doubao-seed-1-6-thinking', '0.80', '8', '0.16', '2025-06-11'),
  volcengine('doubao-seed-1-6-flash', '0.15', '1.50', '0.03', '2025-06-11'),
  volcengine('doubao-1-5-pro-32k', '0.80', '2', '0.16', '2025-01-22'),
  volcengine('doubao-1-5-lite-32k', '0.30', '0.60', '0.06', '2025-01-22'),
  volcengine('doubao-1-5-pro-256k', '5', '9', undefined, '2025-01-22'),
  volcengine('deepseek-v3', '2', '8', undefined, '2025-03-24'),
  volcengine('deepseek-r1', '4', '16', undefined, '2025-01-30'),
];
