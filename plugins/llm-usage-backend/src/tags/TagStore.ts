import type {
  KeyTag,
  TagWithStats,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';

/** Tags put on keys, with how many keys carry them and what those cost. */
export interface TagStore {
  get(id: string): Promise<KeyTag | undefined>;
  findByNames(names: string[]): Promise<Map<string, KeyTag>>;
  /** Throws InputError naming the field when a tag id does not exist. */
  requireAll(ids: string[], field?: string): Promise<void>;
  create(
    input: {
      name: string;
      color: string | null;
    },
    now?: number,
  ): Promise<KeyTag>;
  update(
    id: string,
    patch: {
      name?: string;
      color?: string | null;
    },
    now?: number,
  ): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Every tag with its key counts and month-to-date provider cost; counts
   * only keys in `visibleKeyIds` when given (what the caller may read).
   */
  listWithStats(
    visibleKeys: Knex.QueryBuilder | undefined,
    now?: number,
  ): Promise<TagWithStats[]>;
}
