import { ConfigReader } from '@backstage/config';
import { parseDecimalToNanos } from '../lib/money';
import {
  PriceBook,
  PriceResolver,
  defaultPrices,
  readConfiguredPrices,
} from './PriceBook';
import { lookupKeys } from './modelMatch';
import { type Price, costOf, dayStartMs } from './prices';
import type { PriceStore } from './PriceStore';

function price(overrides: Partial<Price> & Pick<Price, 'model'>): Price {
  return {
    id: `${overrides.origin ?? 'default'}:${overrides.model}:${
      overrides.effectiveFrom ?? 0
    }`,
    origin: 'default',
    provider: 'openai',
    currency: 'USD',
    inputNanosPerMillion: parseDecimalToNanos('1')!,
    outputNanosPerMillion: parseDecimalToNanos('2')!,
    cachedNanosPerMillion: null,
    effectiveFrom: dayStartMs('2025-01-01')!,
    note: null,
    ...overrides,
  };
}

const at = (day: string) => dayStartMs(day)!;

function storeOf(prices: Price[]): PriceStore {
  return {
    list: async () => prices,
    get: async id => prices.find(p => p.id === id),
    create: async () => {
      throw new Error('not used');
    },
    update: async () => {
      throw new Error('not used');
    },
    delete: async () => false,
  };
}

describe('PriceResolver', () => {
  it('takes the latest entry in force at the call time, and none before the first', () => {
    const old = price({ model: 'gpt-4o', effectiveFrom: at('2024-10-01') });
    const cut = price({
      model: 'gpt-4o',
      effectiveFrom: at('2025-06-01'),
      inputNanosPerMillion: 5n,
    });
    const resolver = new PriceResolver([cut, old]);
    expect(resolver.resolve('openai', 'gpt-4o', at('2024-09-30'))).toBe(
      undefined,
    );
    expect(resolver.resolve('openai', 'gpt-4o', at('2024-10-01'))).toBe(old);
    expect(resolver.resolve('openai', 'gpt-4o', at('2025-05-31') + 1)).toBe(
      old,
    );
    expect(resolver.resolve('openai', 'gpt-4o', at('2025-06-01'))).toBe(cut);
  });

  it('prefers admin over app-config over defaults, falling back per call time', () => {
    const base = price({ model: 'gpt-4o', effectiveFrom: at('2024-01-01') });
    const configured = price({
      model: 'gpt-4o',
      origin: 'config',
      effectiveFrom: at('2025-01-01'),
    });
    const admin = price({
      model: 'gpt-4o',
      origin: 'admin',
      effectiveFrom: at('2026-01-01'),
    });
    const resolver = new PriceResolver([base, configured, admin]);
    expect(resolver.resolve('openai', 'gpt-4o', at('2024-06-01'))).toBe(base);
    expect(resolver.resolve('openai', 'gpt-4o', at('2025-06-01'))).toBe(
      configured,
    );
    expect(resolver.resolve('openai', 'gpt-4o', at('2026-06-01'))).toBe(admin);
  });

  it('reads dated model ids as their undated entry, never another model', () => {
    const gpt4o = price({ model: 'gpt-4o' });
    const mini = price({ model: 'gpt-4o-mini' });
    const sonnet = price({ provider: 'anthropic', model: 'claude-sonnet-4' });
    const doubao = price({
      provider: 'volcengine',
      model: 'doubao-seed-1-6',
      currency: 'CNY',
    });
    const resolver = new PriceResolver([gpt4o, mini, sonnet, doubao]);
    const when = at('2026-01-01');
    expect(resolver.resolve('openai', 'gpt-4o-2024-08-06', when)).toBe(gpt4o);
    expect(resolver.resolve('OpenAI', 'GPT-4o', when)).toBe(gpt4o);
    expect(resolver.resolve('openai', 'gpt-4o-mini-2024-07-18', when)).toBe(
      mini,
    );
    expect(
      resolver.resolve('anthropic', 'claude-sonnet-4-20250514', when),
    ).toBe(sonnet);
    expect(resolver.resolve('anthropic', 'claude-sonnet-4-latest', when)).toBe(
      sonnet,
    );
    expect(resolver.resolve('ark', 'doubao-seed-1-6-250615', when)).toBe(
      doubao,
    );
    // A name after the model is another model, not a date stamp.
    expect(resolver.resolve('openai', 'gpt-4o-audio-preview', when)).toBe(
      undefined,
    );
    expect(resolver.resolve('openai', 'gpt-4', when)).toBe(undefined);
    // OpenRouter's vendor/model ids fall back to the vendor's own price.
    expect(
      resolver.resolve('openrouter', 'anthropic/claude-sonnet-4', when),
    ).toBe(sonnet);
    expect(
      resolver.resolve('openrouter', 'openai/gpt-4o-2024-08-06', when),
    ).toBe(gpt4o);
  });

  it('lists the lookups in order: exact, undated, then the OpenRouter vendor', () => {
    expect(lookupKeys('openrouter', 'openai/gpt-4o-2024-08-06')).toEqual([
      ['openrouter', 'openai/gpt-4o-2024-08-06'],
      ['openrouter', 'openai/gpt-4o'],
      ['openai', 'gpt-4o-2024-08-06'],
      ['openai', 'gpt-4o'],
    ]);
  });
});

describe('costOf', () => {
  it('bills uncached input, cached input and output exactly, in nano-units', () => {
    const gpt4o = price({
      model: 'gpt-4o',
      inputNanosPerMillion: parseDecimalToNanos('2.50')!,
      outputNanosPerMillion: parseDecimalToNanos('10')!,
      cachedNanosPerMillion: parseDecimalToNanos('1.25')!,
    });
    // (1034 × 2.50 + 200 × 1.25 + 567 × 10) / 10^6 USD = 0.008505 USD
    expect(
      costOf(gpt4o, {
        inputTokens: 1234,
        cachedTokens: 200,
        outputTokens: 567,
      }),
    ).toBe(8_505_000n);
    // Without a cached price, cached tokens cost the input price.
    expect(
      costOf(
        { ...gpt4o, cachedNanosPerMillion: null },
        { inputTokens: 1234, cachedTokens: 200, outputTokens: 0 },
      ),
    ).toBe(3_085_000n);
  });

  it('rounds half a nano-unit up, once, after summing', () => {
    const tiny = price({
      model: 'tiny',
      inputNanosPerMillion: 500n,
      outputNanosPerMillion: 499n,
    });
    expect(
      costOf(tiny, { inputTokens: 1000, cachedTokens: 0, outputTokens: 0 }),
    ).toBe(1n);
    expect(
      costOf(tiny, { inputTokens: 0, cachedTokens: 0, outputTokens: 1000 }),
    ).toBe(0n);
    // 0.5 + 0.499 = 0.999 nano-units: one, not the zero two roundings give.
    expect(
      costOf(tiny, { inputTokens: 1000, cachedTokens: 0, outputTokens: 1000 }),
    ).toBe(1n);
  });
});

describe('PriceBook', () => {
  it('has a default for current models of the four providers, Volcengine in CNY', () => {
    const defaults = defaultPrices();
    const providers = new Set(defaults.map(p => p.provider));
    expect([...providers].sort()).toEqual([
      'anthropic',
      'openai',
      'openrouter',
      'volcengine',
    ]);
    for (const entry of defaults) {
      expect(entry.currency).toBe(
        entry.provider === 'volcengine' ? 'CNY' : 'USD',
      );
      expect(entry.note).toMatch(/^https:\/\/\S+ \(taken \d{4}-\d{2}-\d{2}\)$/);
    }
    // Keys are unique per provider, model and date.
    expect(new Set(defaults.map(p => p.id)).size).toBe(defaults.length);
  });

  it('lists every origin, marking the entries that price calls now', async () => {
    const configured = readConfiguredPrices(
      new ConfigReader({
        llmUsage: {
          pricing: {
            prices: [
              {
                provider: 'OpenAI',
                model: 'gpt-4o',
                currency: 'usd',
                inputPerMillion: '2',
                outputPerMillion: 8,
                effectiveFrom: '2025-01-01',
              },
            ],
          },
        },
      }),
    );
    expect(configured[0]).toMatchObject({
      provider: 'openai',
      currency: 'USD',
      inputNanosPerMillion: 2_000_000_000n,
      outputNanosPerMillion: 8_000_000_000n,
      origin: 'config',
    });
    const admin = price({
      model: 'gpt-4o',
      origin: 'admin',
      id: 'a1',
      effectiveFrom: at('2030-01-01'),
    });
    const book = new PriceBook({
      store: storeOf([admin]),
      configured,
      now: () => at('2026-12-04'),
    });
    const gpt4o = (await book.entries()).filter(
      e => e.provider === 'openai' && e.model === 'gpt-4o',
    );
    expect(
      gpt4o.map(e => [e.origin, e.effectiveFrom, e.inForce, e.inputPerMillion]),
    ).toEqual([
      ['default', '2024-10-01', false, '2.5'],
      ['config', '2025-01-01', true, '2'],
      ['admin', '2030-01-01', false, '1'],
    ]);
  });

  it('stops the backend on a bad app-config price, naming the key', () => {
    expect(() =>
      readConfiguredPrices(
        new ConfigReader({
          llmUsage: {
            pricing: {
              prices: [
                {
                  provider: 'openai',
                  model: 'gpt-4o',
                  currency: 'USD',
                  inputPerMillion: '-1',
                  outputPerMillion: '1',
                  effectiveFrom: '2025-01-01',
                },
              ],
            },
          },
        }),
      ),
    ).toThrow(/llmUsage\.pricing\.prices\[0\]\.inputPerMillion/);
  });
});
