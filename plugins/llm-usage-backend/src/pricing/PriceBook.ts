import type { Config } from '@backstage/config';
import type {
  PriceEntry,
  PriceOrigin,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { formatNanos, parseDecimalToNanos } from '../lib/money';
import {
  DEFAULT_PRICES,
  DEFAULT_PRICES_TAKEN_ON,
  SOURCES,
} from './defaultPrices';
import { lookupKeys } from './modelMatch';
import { type Price, dayStartMs, isoDay } from './prices';
import { priceCreateSchema } from './priceSchemas';
import type { PriceStore } from './PriceStore';

/** Origins in falling precedence. */
const PRECEDENCE: PriceOrigin[] = ['admin', 'config', 'default'];

/**
 * The prices of one moment of the book, resolving calls synchronously: one
 * resolver prices a whole batch.
 */
export class PriceResolver {
  /** origin → `provider\0model` (lower case) → prices, oldest first. */
  private readonly index = new Map<PriceOrigin, Map<string, Price[]>>();

  constructor(readonly prices: readonly Price[]) {
    for (const price of prices) {
      let byModel = this.index.get(price.origin);
      if (!byModel) {
        byModel = new Map();
        this.index.set(price.origin, byModel);
      }
      const key = keyOf(price.provider, price.model);
      const list = byModel.get(key) ?? [];
      list.push(price);
      byModel.set(key, list);
    }
    for (const byModel of this.index.values()) {
      for (const list of byModel.values()) {
        list.sort((a, b) => a.effectiveFrom - b.effectiveFrom);
      }
    }
  }

  /**
   * The price of a call of `provider` / `model` made at `at` (epoch ms): in
   * the first origin of admin > config > default that has one, the entry of
   * the most specific model name (see modelMatch.ts) with the latest
   * `effectiveFrom` at or before `at`. Undefined when none applies.
   */
  resolve(provider: string, model: string, at: number): Price | undefined {
    const keys = lookupKeys(provider, model).map(([p, m]) => keyOf(p, m));
    for (const origin of PRECEDENCE) {
      const byModel = this.index.get(origin);
      if (!byModel) continue;
      for (const key of keys) {
        const found = latestAt(byModel.get(key), at);
        if (found) return found;
      }
    }
    return undefined;
  }
}

/**
 * The price book: default prices (defaultPrices.ts), app-config's
 * `llmUsage.pricing.prices`, and entries admins edit (PriceStore), in rising
 * precedence. A reusable service: ingestion prices calls without a cost
 * with it, and anything estimating a cost from tokens can too.
 *
 * Admin entries are read at most every `cacheMs` (other backend instances'
 * edits show within that time); an edit through this instance calls
 * {@link PriceBook.invalidate}.
 */
export class PriceBook {
  private cached?: { at: number; resolver: Promise<PriceResolver> };
  private readonly fixed: Price[];
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(options: {
    store: PriceStore;
    configured?: Price[];
    defaults?: Price[];
    cacheMs?: number;
    now?: () => number;
  }) {
    this.store = options.store;
    this.fixed = [
      ...(options.defaults ?? defaultPrices()),
      ...(options.configured ?? []),
    ];
    this.cacheMs = options.cacheMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  private readonly store: PriceStore;

  static fromConfig(config: Config, store: PriceStore): PriceBook {
    return new PriceBook({ store, configured: readConfiguredPrices(config) });
  }

  /** The current prices, admin entries read at most every `cacheMs`. */
  resolver(): Promise<PriceResolver> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.cacheMs) {
      const resolver = this.store
        .list()
        .then(admin => new PriceResolver([...this.fixed, ...admin]));
      // A failed read is not kept: the next call reads again.
      resolver.catch(() => {
        if (this.cached?.resolver === resolver) this.cached = undefined;
      });
      this.cached = { at: now, resolver };
    }
    return this.cached.resolver;
  }

  /** After an admin edit: the next resolver reads the store again. */
  invalidate() {
    this.cached = undefined;
  }

  /** Every entry of the book, with whether it prices calls made now. */
  async entries(): Promise<PriceEntry[]> {
    this.invalidate();
    const resolver = await this.resolver();
    const now = this.now();
    return resolver.prices
      .map(price =>
        toEntry(
          price,
          resolver.resolve(price.provider, price.model, now) === price,
        ),
      )
      .sort(
        (a, b) =>
          a.provider.localeCompare(b.provider) ||
          a.model.localeCompare(b.model) ||
          a.effectiveFrom.localeCompare(b.effectiveFrom) ||
          PRECEDENCE.indexOf(a.origin) - PRECEDENCE.indexOf(b.origin),
      );
  }
}

/** The API's view of a price. */
export function toEntry(price: Price, inForce: boolean): PriceEntry {
  return {
    id: price.id,
    origin: price.origin,
    provider: price.provider,
    model: price.model,
    currency: price.currency,
    inputPerMillion: formatNanos(price.inputNanosPerMillion),
    outputPerMillion: formatNanos(price.outputNanosPerMillion),
    cachedPerMillion:
      price.cachedNanosPerMillion === null
        ? null
        : formatNanos(price.cachedNanosPerMillion),
    effectiveFrom: isoDay(price.effectiveFrom),
    note: price.note,
    inForce,
  };
}

function keyOf(provider: string, model: string): string {
  return `${provider.toLowerCase()}\u0000${model.toLowerCase()}`;
}

/** The last of `prices` (oldest first) in force at `at`. */
function latestAt(prices: Price[] | undefined, at: number): Price | undefined {
  if (!prices) return undefined;
  for (let i = prices.length - 1; i >= 0; i--) {
    if (prices[i].effectiveFrom <= at) return prices[i];
  }
  return undefined;
}

/** The defaults as prices; the note names the page and the date taken. */
export function defaultPrices(): Price[] {
  return DEFAULT_PRICES.map(entry => ({
    id: `default:${entry.provider}:${entry.model}:${entry.effectiveFrom}`,
    origin: 'default',
    provider: entry.provider,
    model: entry.model,
    currency: entry.currency,
    inputNanosPerMillion: parseDecimalToNanos(entry.input)!,
    outputNanosPerMillion: parseDecimalToNanos(entry.output)!,
    cachedNanosPerMillion:
      entry.cached === undefined ? null : parseDecimalToNanos(entry.cached)!,
    effectiveFrom: dayStartMs(entry.effectiveFrom)!,
    note: `${SOURCES[entry.provider]} (taken ${DEFAULT_PRICES_TAKEN_ON})`,
  }));
}

/**
 * `llmUsage.pricing.prices`: entries shaped as the API's (`provider`,
 * `model`, `currency`, `inputPerMillion`, `outputPerMillion`, optional
 * `cachedPerMillion` and `note`, `effectiveFrom` as `YYYY-MM-DD`). A bad
 * entry stops the backend with the key that is wrong.
 */
export function readConfiguredPrices(config: Config): Price[] {
  const entries =
    config.getOptionalConfigArray('llmUsage.pricing.prices') ?? [];
  return entries.map((entry, index) => {
    const parsed = priceCreateSchema.safeParse(entry.get());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `Invalid llmUsage.pricing.prices[${index}].${
          issue.path.join('.') || '(entry)'
        }: ${issue.message}`,
      );
    }
    return { ...parsed.data, id: `config:${index}`, origin: 'config' };
  });
}
