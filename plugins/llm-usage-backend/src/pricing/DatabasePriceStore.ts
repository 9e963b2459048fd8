import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import { toBigInt } from '../lib/money';
import type { Price } from './prices';
import type { PriceDraft } from './priceSchemas';
import type { PriceStore } from './PriceStore';

export const PRICES_TABLE = 'llm_usage_prices';

interface PriceRow {
  id: string;
  provider: string;
  model: string;
  currency: string;
  input_nanos_per_million: string | number;
  output_nanos_per_million: string | number;
  cached_nanos_per_million: string | number | null;
  effective_from: string | number;
  note: string | null;
}

/** The {@link PriceStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabasePriceStore implements PriceStore {
  constructor(private readonly db: Knex) {}

  async list(): Promise<Price[]> {
    const rows: PriceRow[] = await this.db(PRICES_TABLE)
      .select('*')
      .orderBy(['provider', 'model', 'effective_from']);
    return rows.map(toPrice);
  }

  async get(id: string): Promise<Price | undefined> {
    const row: PriceRow | undefined = await this.db(PRICES_TABLE)
      .where({ id })
      .first();
    return row ? toPrice(row) : undefined;
  }

  async create(draft: PriceDraft, actorRef: string): Promise<Price> {
    const id = randomUUID();
    const now = Date.now();
    await this.db.transaction(async tx => {
      await refuseDuplicate(tx, draft);
      await tx(PRICES_TABLE).insert({
        id,
        ...toColumns(draft),
        updated_by: actorRef,
        created_at: now,
        updated_at: now,
      });
    });
    return (await this.get(id))!;
  }

  async update(
    id: string,
    patch: Partial<PriceDraft>,
    actorRef: string,
  ): Promise<Price> {
    await this.db.transaction(async tx => {
      const row: PriceRow | undefined = await tx(PRICES_TABLE)
        .where({ id })
        .first();
      if (!row) throw new NotFoundError(`No price '${id}'`);
      const merged = { ...toPrice(row), ...patch };
      await refuseDuplicate(tx, merged, id);
      await tx(PRICES_TABLE)
        .where({ id })
        .update({
          ...toColumns(merged),
          updated_by: actorRef,
          updated_at: Date.now(),
        });
    });
    return (await this.get(id))!;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db(PRICES_TABLE).where({ id }).delete()) > 0;
  }
}

/**
 * One entry per provider, model and day: the unique index says so too, but
 * a ConflictError names what collided instead of a driver error.
 */
async function refuseDuplicate(
  tx: Knex.Transaction,
  draft: PriceDraft,
  exceptId?: string,
) {
  const query = tx(PRICES_TABLE).select('id').where({
    provider: draft.provider,
    model: draft.model,
    effective_from: draft.effectiveFrom,
  });
  if (exceptId) query.whereNot('id', exceptId);
  if ((await query).length > 0) {
    throw new ConflictError(
      `A price for ${draft.provider} ${draft.model} from ${new Date(
        draft.effectiveFrom,
      )
        .toISOString()
        .slice(0, 10)} already exists`,
    );
  }
}

function toColumns(draft: PriceDraft) {
  return {
    provider: draft.provider,
    model: draft.model,
    currency: draft.currency,
    input_nanos_per_million: draft.inputNanosPerMillion.toString(),
    output_nanos_per_million: draft.outputNanosPerMillion.toString(),
    cached_nanos_per_million:
      draft.cachedNanosPerMillion === null
        ? null
        : draft.cachedNanosPerMillion.toString(),
    effective_from: draft.effectiveFrom,
    note: draft.note,
  };
}

function toPrice(row: PriceRow): Price {
  return {
    id: row.id,
    origin: 'admin',
    provider: row.provider,
    model: row.model,
    currency: row.currency,
    inputNanosPerMillion: toBigInt(row.input_nanos_per_million),
    outputNanosPerMillion: toBigInt(row.output_nanos_per_million),
    cachedNanosPerMillion:
      row.cached_nanos_per_million === null
        ? null
        : toBigInt(row.cached_nanos_per_million),
    effectiveFrom: Number(row.effective_from),
    note: row.note,
  };
}
