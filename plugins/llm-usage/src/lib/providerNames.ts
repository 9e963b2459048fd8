import type { ProviderInfo } from '@llm-usage/backstage-plugin-llm-usage-common';

/**
 * The names of the providers this suite ships modules for, for data whose
 * module the viewer's backend does not list (demo data, a removed module).
 */
const KNOWN_PROVIDER_NAMES = new Map([
  ['anthropic', 'Anthropic'],
  ['openai', 'OpenAI'],
  ['openrouter', 'OpenRouter'],
  ['volcengine', 'Volcengine Ark'],
]);

/**
 * A provider's name as people know it ("Anthropic", not `anthropic`): the
 * installed module's display name, else the known name, else the id.
 *
 * @internal
 */
export function providerDisplayName(
  id: string,
  installed: readonly Pick<ProviderInfo, 'id' | 'displayName'>[] = [],
): string {
  return (
    installed.find(p => p.id === id)?.displayName ??
    KNOWN_PROVIDER_NAMES.get(id) ??
    id
  );
}
