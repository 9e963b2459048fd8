/**
 * How a call's provider and model find their price.
 *
 * Providers: a few names that instrumentations use for the same provider are
 * read as the provider's id (`ark`, `volcengine.ark` and `doubao` are
 * Volcengine). Models, compared case-insensitively:
 * 1. an entry whose model is the call's model;
 * 2. else an entry whose model is the call's model without a trailing date or
 *    version stamp: `-2024-08-06` (OpenAI), `-20250514` (Anthropic),
 *    `-250615` (Volcengine Ark), `-0613`, `-latest`, or `@20241022`; so
 *    `gpt-4o-2024-08-06` takes the price of `gpt-4o`, while `gpt-4o-mini` never
 *    does (a name, not a stamp, follows);
 * 3. for OpenRouter, whose models are `<vendor>/<model>` at the vendor's
 *    price, else the vendor's own entry (`anthropic/claude-sonnet-4` → the
 *    Anthropic price of `claude-sonnet-4`).
 */

const PROVIDER_ALIASES: Record<string, string> = {
  ark: 'volcengine',
  'volcengine.ark': 'volcengine',
  doubao: 'volcengine',
};

const STAMP = /^[-@](?:\d{4}-\d{2}-\d{2}|\d{4}|\d{6}|\d{8}|latest)$/;

/** The provider id a call's provider name stands for. */
export function canonicalProvider(provider: string): string {
  const lower = provider.trim().toLowerCase();
  return PROVIDER_ALIASES[lower] ?? lower;
}

/** The names of a model to look up, most specific first (rules 1 and 2). */
export function modelKeys(model: string): string[] {
  const lower = model.trim().toLowerCase();
  const keys = [lower];
  const stamp = /(?:[-@](?:\d{4}-\d{2}-\d{2}|\d{4}|\d{6}|\d{8}|latest))$/.exec(
    lower,
  );
  if (stamp && stamp.index > 0 && STAMP.test(stamp[0])) {
    keys.push(lower.slice(0, stamp.index));
  }
  return keys;
}

/**
 * Where to look for a call's price, in order: (provider, model) pairs for
 * rules 1 to 3.
 */
export function lookupKeys(
  provider: string,
  model: string,
): Array<[provider: string, model: string]> {
  const id = canonicalProvider(provider);
  const keys = modelKeys(model).map((m): [string, string] => [id, m]);
  if (id === 'openrouter') {
    const slash = model.indexOf('/');
    if (slash > 0) {
      const vendor = canonicalProvider(model.slice(0, slash));
      for (const m of modelKeys(model.slice(slash + 1))) keys.push([vendor, m]);
    }
  }
  return keys;
}
