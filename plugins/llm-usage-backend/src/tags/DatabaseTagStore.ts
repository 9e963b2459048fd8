import { randomUUID } from 'node:crypto';
import { ConflictError, InputError } from '@backstage/errors';
import type {
  KeyTag,
  TagWithStats,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import {
  KEY_TAGS_TABLE,
  KEYS_TABLE,
  PROVIDER_USAGE_TABLE,
  TAGS_TABLE,
} from '../accounts/tables';
import { monthStartOf } from '../time/months';
import { decimalOf, isoTime } from '../lib/columnValues';
import { exactSum } from '../lib/exactSum';
import { keyUsageJoin } from '../providerUsage/keyUsageJoin';
import { type TagStore } from './TagStore';

interface TagRow {
  id: string;
  name: string;
  color: string | null;
  created_at: string | number;
}

const toTag = (row: TagRow): KeyTag => ({
  id: row.id,
  name: row.name,
  color: row.color,
});

/** The {@link TagStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseTagStore implements TagStore {
  constructor(private readonly db: Knex) {}

  async get(id: string): Promise<KeyTag | undefined> {
    const row: TagRow | undefined = await this.db(TAGS_TABLE)
      .where({ id })
      .first();
    return row ? toTag(row) : undefined;
  }

  async findByNames(names: string[]): Promise<Map<string, KeyTag>> {
    if (names.length === 0) return new Map();
    const rows: TagRow[] = await this.db(TAGS_TABLE).whereIn(
      this.db.raw('lower(name)') as unknown as string,
      names.map(name => name.toLocaleLowerCase('en-US')),
    );
    return new Map(
      rows.map(row => [row.name.toLocaleLowerCase('en-US'), toTag(row)]),
    );
  }

  /** Throws InputError naming the field when a tag id does not exist. */
  async requireAll(ids: string[], field = 'tagIds'): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const rows: Array<{ id: string }> = await this.db(TAGS_TABLE)
      .select('id')
      .whereIn('id', unique);
    const found = new Set(rows.map(row => row.id));
    const missing = unique.filter(id => !found.has(id));
    if (missing.length > 0) {
      throw new InputError(
        `Invalid field '${field}': unknown tag ${missing.join(', ')}`,
      );
    }
  }

  async create(
    input: { name: string; color: string | null },
    now = Date.now(),
  ): Promise<KeyTag> {
    const existing = await this.findByNames([input.name]);
    if (existing.size > 0) {
      throw new ConflictError(`A tag named '${input.name}' exists`);
    }
    const id = randomUUID();
    await this.db(TAGS_TABLE).insert({
      id,
      name: input.name,
      color: input.color,
      created_at: now,
      updated_at: now,
    });
    return { id, name: input.name, color: input.color };
  }

  async update(
    id: string,
    patch: { name?: string; color?: string | null },
    now = Date.now(),
  ): Promise<void> {
    if (patch.name !== undefined) {
      const clash = (await this.findByNames([patch.name])).get(
        patch.name.toLocaleLowerCase('en-US'),
      );
      if (clash && clash.id !== id) {
        throw new ConflictError(`A tag named '${patch.name}' exists`);
      }
    }
    await this.db(TAGS_TABLE)
      .where({ id })
      .update({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.color !== undefined ? { color: patch.color } : {}),
        updated_at: now,
      });
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction(async trx => {
      await trx(KEY_TAGS_TABLE).where({ tag_id: id }).delete();
      await trx(TAGS_TABLE).where({ id }).delete();
    });
  }

  /**
   * Every tag with its key counts and month-to-date provider cost; counts
   * only keys in `visibleKeyIds` when given (what the caller may read).
   */
  async listWithStats(
    visibleKeys: Knex.QueryBuilder | undefined,
    now = Date.now(),
  ): Promise<TagWithStats[]> {
    const tags: TagRow[] = await this.db(TAGS_TABLE)
      .select('*')
      .orderBy('name');
    const keyQuery = this.db(`${KEY_TAGS_TABLE} as kt`)
      .join(`${KEYS_TABLE} as k`, 'k.id', 'kt.key_id')
      .whereNull('k.deleted_at')
      .select('kt.tag_id', 'k.status', 'k.account_id', 'k.provider_key_id');
    if (visibleKeys) keyQuery.whereIn('k.id', visibleKeys);
    const keys: Array<{
      tag_id: string;
      status: string;
      account_id: string;
      provider_key_id: string | null;
    }> = await keyQuery;
    const costs: Array<{
      tag_id: string;
      currency: string;
      cost: string | number | null;
    }> = await this.db(`${KEY_TAGS_TABLE} as kt`)
      .join(`${KEYS_TABLE} as k`, 'k.id', 'kt.key_id')
      .join(`${PROVIDER_USAGE_TABLE} as u`, keyUsageJoin('u', 'k'))
      .modify(query => {
        if (visibleKeys) query.whereIn('k.id', visibleKeys);
      })
      .whereNull('k.deleted_at')
      .where('u.day_start', '>=', monthStartOf(now))
      .groupBy('kt.tag_id', 'u.currency')
      .select(
        'kt.tag_id',
        'u.currency',
        exactSum(this.db, 'u.cost_nanos', 'cost'),
      );
    return tags.map(tag => {
      const tagged = keys.filter(key => key.tag_id === tag.id);
      return {
        ...toTag(tag),
        keyCount: tagged.length,
        activeKeyCount: tagged.filter(key => key.status === 'active').length,
        monthCost: costs
          .filter(cost => cost.tag_id === tag.id)
          .map(cost => ({
            currency: cost.currency,
            amount: decimalOf(cost.cost),
          }))
          .sort((a, b) => a.currency.localeCompare(b.currency)),
        createdAt: isoTime(tag.created_at),
      };
    });
  }
}
