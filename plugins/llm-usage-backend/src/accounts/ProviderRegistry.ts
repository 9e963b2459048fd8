import type {
  LlmProvider,
  ProviderCapability,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import type { ProviderInfo } from '@llm-usage/backstage-plugin-llm-usage-common';

/** The providers contributed by backend modules through the extension point. */
export class ProviderRegistry {
  private readonly providers = new Map<string, LlmProvider>();

  add(provider: LlmProvider): void {
    if (this.providers.has(provider.id)) {
      throw new Error(`LLM provider '${provider.id}' was added twice`);
    }
    this.providers.set(provider.id, provider);
  }

  get(id: string): LlmProvider | undefined {
    return this.providers.get(id);
  }

  has(id: string): boolean {
    return this.providers.has(id);
  }

  can(id: string, capability: ProviderCapability): boolean {
    return this.providers.get(id)?.capabilities.includes(capability) ?? false;
  }

  list(): ProviderInfo[] {
    return [...this.providers.values()]
      .map(describeProvider)
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }
}

export function describeProvider(provider: LlmProvider): ProviderInfo {
  return {
    id: provider.id,
    displayName: provider.displayName,
    capabilities: [...provider.capabilities],
    currency: provider.currency,
    credentialFields: provider.credentialFields.map(field => ({ ...field })),
    billingUrl: provider.billingUrl ?? null,
    manualKeyRegistration: provider.manualKeyRegistration ?? false,
  };
}
