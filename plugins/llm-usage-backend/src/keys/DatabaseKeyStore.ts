import { randomUUID } from 'node:crypto';
import type {
  ApiKeySource,
  ApiKeyStatus,
  KeySortField,
  KeyTag,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { ProviderKey } from '@llm-usage/backstage-plugin-llm-usage-node';
import type { Knex } from 'knex';
import {
  KEY_TAGS_TABLE,
  KEYS_TABLE,
  PROVIDER_USAGE_TABLE,
  TAGS_TABLE,
} from '../accounts/tables';
import { DAY_MS } from '../database/tables';
import { parseDecimalToNanos } from '../lib/money';
import { integer, nanos, nullable, rowMapping, text } from '../lib/rowMapping';
import { keyUsageJoin } from '../providerUsage/keyUsageJoin';
import {
  applyOwnerFilter,
  type OwnerFilter,
} from '../permissions/LlmUsageAuthorizer';
import {
  type KeyStore,
  type KeyRecord,
  type KeyPatch,
  type NewKey,
  type KeyFilter,
  type KeyListOptions,
} from './KeyStore';
import { monthStartOf } from '../time/months';

type KeyRow = Record<string, unknown>;

const keyRows = rowMapping<KeyRecord>({
  id: text(),
  accountId: text(),
  provider: text(),
  providerKeyId: nullable(text()),
  providerProjectId: nullable(text()),
  name: text(),
  maskedHint: nullable(text()),
  status: text<ApiKeyStatus>(),
  ownerRef: nullable(text()),
  componentRef: nullable(text()),
  notes: nullable(text()),
  expiresAt: nullable(integer),
  providerCreatedAt: nullable(integer),
  lastUsedAt: nullable(integer),
  limitNanos: nullable(nanos),
  limitCurrency: nullable(text()),
  usageNanos: nullable(nanos),
  usageCurrency: nullable(text()),
  source: text<ApiKeySource>(),
  secretEncrypted: nullable(text()),
  lastError: nullable(text()),
  syncedAt: nullable(integer),
  removedAt: nullable(integer),
  deletedAt: nullable(integer),
  createdAt: integer,
  updatedAt: integer,
});

/** The fields a person edits; no other field of a patch is written. */
const PATCH_FIELDS: Array<keyof KeyPatch> = [
  'name',
  'ownerRef',
  'componentRef',
  'notes',
  'expiresAt',
  'status',
  'limitNanos',
  'limitCurrency',
  'lastError',
];

const SORT_COLUMNS: Record<KeySortField, string> = {
  name: 'k.name',
  provider: 'k.provider',
  status: 'k.status',
  createdAt: 'coalesce(k.provider_created_at, k.created_at)',
  expiresAt: 'k.expires_at',
  lastUsedAt: 'k.last_used_at',
  monthTokens: 'coalesce(mt.month_tokens, 0)',
};

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, match => `\\${match}`);
}

/** The {@link KeyStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseKeyStore implements KeyStore {
  constructor(private readonly db: Knex) {}

  private applyFilter(
    query: Knex.QueryBuilder,
    filter: KeyFilter,
    owners: OwnerFilter,
    now: number,
  ) {
    query.whereNull('k.deleted_at');
    applyOwnerFilter(query, owners, 'k.owner_ref');
    if (filter.provider?.length) query.whereIn('k.provider', filter.provider);
    if (filter.accountId?.length) {
      query.whereIn('k.account_id', filter.accountId);
    }
    if (filter.ownerRef?.length) {
      query.whereRaw(
        `lower(k.owner_ref) in (${filter.ownerRef.map(() => '?').join(', ')})`,
        filter.ownerRef.map(ref => ref.toLocaleLowerCase('en-US')),
      );
    }
    if (filter.componentRef) {
      query.whereRaw('lower(k.component_ref) = ?', [
        filter.componentRef.toLocaleLowerCase('en-US'),
      ]);
    }
    if (filter.status?.length) query.whereIn('k.status', filter.status);
    if (filter.orphaned !== undefined) {
      if (filter.orphaned) query.whereNull('k.owner_ref');
      else query.whereNotNull('k.owner_ref');
    }
    if (filter.expiry?.length) {
      const soon = now + filter.expiringWithinDays * DAY_MS;
      const states = filter.expiry;
      query.where(expiry => {
        expiry.whereRaw('1 = 0');
        if (states.includes('expired')) {
          expiry.orWhere(e =>
            e.where('k.expires_at', '<=', now).orWhere('k.status', 'expired'),
          );
        }
        if (states.includes('expiring')) {
          expiry.orWhere(e =>
            e
              .where('k.expires_at', '>', now)
              .where('k.expires_at', '<=', soon)
              .whereNot('k.status', 'expired'),
          );
        }
        if (states.includes('valid')) {
          expiry.orWhere(e =>
            e.where('k.expires_at', '>', soon).whereNot('k.status', 'expired'),
          );
        }
        if (states.includes('none')) {
          expiry.orWhere(e =>
            e.whereNull('k.expires_at').whereNot('k.status', 'expired'),
          );
        }
      });
    }
    if (filter.tag?.length) {
      const tags = filter.tag;
      query.whereExists(sub =>
        sub
          .select(this.db.raw('1'))
          .from(`${KEY_TAGS_TABLE} as kt`)
          .whereRaw('kt.key_id = k.id')
          .whereIn('kt.tag_id', tags),
      );
    }
    if (filter.createdFrom !== undefined) {
      query.whereRaw('coalesce(k.provider_created_at, k.created_at) >= ?', [
        filter.createdFrom,
      ]);
    }
    if (filter.createdTo !== undefined) {
      query.whereRaw('coalesce(k.provider_created_at, k.created_at) < ?', [
        filter.createdTo,
      ]);
    }
    this.applyMonthUsageFilter(query, filter, now);
    if (filter.q) {
      const pattern = `%${escapeLike(filter.q.toLocaleLowerCase('en-US'))}%`;
      query.where(search => {
        for (const column of [
          'k.name',
          'k.masked_hint',
          'k.provider_key_id',
          'k.owner_ref',
          'k.component_ref',
          'k.notes',
        ]) {
          search.orWhereRaw(`lower(${column}) like ? escape '\\'`, [pattern]);
        }
      });
    }
  }

  /**
   * Month usage bounds as correlated subqueries, so that the count and the
   * page agree. A key without usage this month has 0 tokens and 0 cost. A
   * key's usage is billed in one currency; should it span several, its
   * largest per-currency total is compared (currencies are never summed).
   */
  private applyMonthUsageFilter(
    query: Knex.QueryBuilder,
    filter: KeyFilter,
    now: number,
  ) {
    const monthStart = monthStartOf(now);
    const usageOfKey = `from ${PROVIDER_USAGE_TABLE} pu
      where pu.account_id = k.account_id
        and pu.provider_key_id = k.provider_key_id
        and pu.day_start >= ?`;
    const monthTokens = `coalesce((select sum(pu.input_tokens + pu.output_tokens) ${usageOfKey}), 0)`;
    const monthCost = `coalesce((select max(c.cost) from (select sum(pu.cost_nanos) as cost ${usageOfKey} group by pu.currency) c), 0)`;
    const bounds: Array<[string, '>=' | '<=', number | bigint | undefined]> = [
      [monthTokens, '>=', filter.minMonthTokens],
      [monthTokens, '<=', filter.maxMonthTokens],
      [monthCost, '>=', filter.minMonthCost],
      [monthCost, '<=', filter.maxMonthCost],
    ];
    for (const [expression, operator, bound] of bounds) {
      if (bound !== undefined) {
        // Bound as text (bigint is no Knex binding), cast back to a number.
        query.whereRaw(`${expression} ${operator} cast(? as bigint)`, [
          monthStart,
          bound.toString(),
        ]);
      }
    }
  }

  async list(
    filter: KeyFilter,
    owners: OwnerFilter,
    options: KeyListOptions,
    now = Date.now(),
  ): Promise<{ records: KeyRecord[]; total: number }> {
    const countQuery = this.db(`${KEYS_TABLE} as k`).count({ count: '*' });
    this.applyFilter(countQuery, filter, owners, now);
    const [{ count }] = await countQuery;

    const monthTokens = this.db(PROVIDER_USAGE_TABLE)
      .select('account_id', 'provider_key_id')
      .sum({
        month_tokens: this.db.raw('input_tokens + output_tokens'),
      })
      .where('day_start', '>=', monthStartOf(now))
      .whereNot('provider_key_id', '')
      .groupBy('account_id', 'provider_key_id')
      .as('mt');
    const query = this.db(`${KEYS_TABLE} as k`)
      .leftJoin(monthTokens, keyUsageJoin('mt', 'k'))
      .select('k.*');
    this.applyFilter(query, filter, owners, now);
    // Expressions, not aliases: PostgreSQL resolves no alias inside ORDER
    // BY expressions. NULLs last in both orders and on both databases.
    const column = SORT_COLUMNS[options.sort];
    const order = options.order === 'desc' ? 'desc' : 'asc';
    query
      .orderByRaw(
        `case when ${column} is null then 1 else 0 end, ${column} ${order}, k.id ${order}`,
      )
      .limit(options.limit)
      .offset(options.offset);
    const rows: KeyRow[] = await query;
    return { records: rows.map(keyRows.fromRow), total: Number(count) };
  }

  /** Ids of the keys an owner filter lets through, as a subquery. */
  visibleIds(owners: OwnerFilter): Knex.QueryBuilder {
    const query = this.db(`${KEYS_TABLE} as k`)
      .select('k.id')
      .whereNull('k.deleted_at');
    applyOwnerFilter(query, owners, 'k.owner_ref');
    return query;
  }

  /** A key that was not deleted through the API. */
  async get(
    id: string,
    db: Knex | Knex.Transaction = this.db,
  ): Promise<KeyRecord | undefined> {
    return keyRows.first(db(KEYS_TABLE).where({ id }).whereNull('deleted_at'));
  }

  async findByProviderKeyId(
    accountId: string,
    providerKeyId: string,
  ): Promise<KeyRecord | undefined> {
    return keyRows.first(
      this.db(KEYS_TABLE).where({
        account_id: accountId,
        provider_key_id: providerKeyId,
      }),
    );
  }

  async insert(key: NewKey, now = Date.now()): Promise<string> {
    const id = randomUUID();
    await this.db(KEYS_TABLE).insert(
      keyRows.toRow({ ...key, id, createdAt: now, updatedAt: now }),
    );
    return id;
  }

  async update(id: string, patch: KeyPatch, now = Date.now()): Promise<void> {
    const edited: KeyPatch = Object.fromEntries(
      PATCH_FIELDS.map(field => [field, patch[field]]),
    );
    const row = keyRows.toRow({ ...edited, updatedAt: now });
    await this.db(KEYS_TABLE).where({ id }).update(row);
  }

  /** Kept as a row, so a sync does not bring back a key deleted here. */
  async markDeleted(id: string, now = Date.now()): Promise<void> {
    await this.db.transaction(async trx => {
      await trx(KEY_TAGS_TABLE).where({ key_id: id }).delete();
      await trx(KEYS_TABLE)
        .where({ id })
        .update({ deleted_at: now, updated_at: now, secret_encrypted: null });
    });
  }

  async tagsOf(keyIds: string[]): Promise<Map<string, KeyTag[]>> {
    const result = new Map<string, KeyTag[]>();
    if (keyIds.length === 0) return result;
    const rows: Array<{
      key_id: string;
      id: string;
      name: string;
      color: string | null;
    }> = await this.db(`${KEY_TAGS_TABLE} as kt`)
      .join(`${TAGS_TABLE} as t`, 't.id', 'kt.tag_id')
      .select('kt.key_id', 't.id', 't.name', 't.color')
      .whereIn('kt.key_id', keyIds)
      .orderBy('t.name');
    for (const row of rows) {
      const tags = result.get(row.key_id) ?? [];
      tags.push({ id: row.id, name: row.name, color: row.color });
      result.set(row.key_id, tags);
    }
    return result;
  }

  async setTags(keyId: string, tagIds: string[]): Promise<void> {
    await this.db.transaction(async trx => {
      await trx(KEY_TAGS_TABLE).where({ key_id: keyId }).delete();
      if (tagIds.length > 0) {
        await trx(KEY_TAGS_TABLE).insert(
          [...new Set(tagIds)].map(tagId => ({ key_id: keyId, tag_id: tagId })),
        );
      }
    });
  }

  async addTags(keyId: string, tagIds: string[]): Promise<void> {
    if (tagIds.length === 0) return;
    await this.db(KEY_TAGS_TABLE)
      .insert(
        [...new Set(tagIds)].map(tagId => ({ key_id: keyId, tag_id: tagId })),
      )
      .onConflict(['key_id', 'tag_id'])
      .ignore();
  }

  async removeTags(keyId: string, tagIds: string[]): Promise<void> {
    await this.db(KEY_TAGS_TABLE)
      .where({ key_id: keyId })
      .whereIn('tag_id', tagIds)
      .delete();
  }

  /**
   * Writes the keys a provider listed. Names, owners, components, notes and
   * tags are ours and stay; status, hint, dates, limit and usage are the
   * provider's. When the listing was complete, keys it no longer holds are
   * marked removed (not deleted: their history stays readable).
   */
  async upsertSynced(
    trx: Knex.Transaction,
    account: { id: string; provider: string },
    keys: ProviderKey[],
    now: number,
  ): Promise<number> {
    const existing = (
      await trx(KEYS_TABLE)
        .where({ account_id: account.id })
        .whereNotNull('provider_key_id')
    ).map(keyRows.fromRow);
    const byProviderId = new Map(
      existing.map(record => [record.providerKeyId as string, record]),
    );
    const seen = new Set<string>();
    for (const key of keys) {
      seen.add(key.providerKeyId);
      const limitNanos = key.limit
        ? parseDecimalToNanos(key.limit.amount)
        : null;
      const usageNanos = key.usage
        ? parseDecimalToNanos(key.usage.amount)
        : null;
      const providerFields = {
        provider_project_id: key.providerProjectId,
        masked_hint: key.maskedHint,
        status: key.status,
        provider_created_at: key.createdAt ? Date.parse(key.createdAt) : null,
        last_used_at: key.lastUsedAt ? Date.parse(key.lastUsedAt) : null,
        limit_nanos: limitNanos?.toString() ?? null,
        limit_currency: key.limit?.currency ?? null,
        usage_nanos: usageNanos?.toString() ?? null,
        usage_currency: key.usage?.currency ?? null,
        synced_at: now,
        removed_at: null,
        last_error: null,
        updated_at: now,
      };
      const stored = byProviderId.get(key.providerKeyId);
      if (stored) {
        await trx(KEYS_TABLE)
          .where({ id: stored.id })
          .update({
            ...providerFields,
            // An expiry set by hand wins over none from the provider.
            expires_at: key.expiresAt
              ? Date.parse(key.expiresAt)
              : stored.expiresAt,
          });
      } else {
        await trx(KEYS_TABLE).insert({
          id: randomUUID(),
          account_id: account.id,
          provider: account.provider,
          provider_key_id: key.providerKeyId,
          name: key.name || key.providerKeyId,
          source: 'provider',
          expires_at: key.expiresAt ? Date.parse(key.expiresAt) : null,
          created_at: now,
          ...providerFields,
        });
      }
    }
    const gone = existing
      .filter(record => !seen.has(record.providerKeyId as string))
      .filter(
        record => record.source === 'provider' && record.removedAt === null,
      )
      .map(record => record.id);
    if (gone.length > 0) {
      await trx(KEYS_TABLE)
        .whereIn('id', gone)
        .update({ removed_at: now, updated_at: now });
    }
    return keys.length;
  }
}
