import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { AUDIT_EVENTS_TABLE } from './AuditLog';

const DAY_MS = 86_400_000;
const DELETE_CHUNK = 1000;

/** Default of `llmUsage.audit.retentionDays`. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

/**
 * Deletes audit events older than the retention period, in chunks so a first
 * run over a long history never holds a big lock.
 */
export class AuditRetention {
  constructor(
    private readonly db: Knex,
    private readonly retentionDays: number,
    private readonly logger?: LoggerService,
  ) {}

  /** Returns how many events were deleted. */
  async run(now = Date.now()): Promise<number> {
    const cutoff = now - this.retentionDays * DAY_MS;
    let deleted = 0;
    for (;;) {
      const ids = await this.db(AUDIT_EVENTS_TABLE)
        .where('occurred_at', '<', cutoff)
        .orderBy('occurred_at')
        .limit(DELETE_CHUNK)
        .pluck('id');
      if (ids.length === 0) break;
      deleted += await this.db(AUDIT_EVENTS_TABLE).whereIn('id', ids).delete();
      if (ids.length < DELETE_CHUNK) break;
    }
    if (deleted > 0) {
      this.logger?.info(
        `Deleted ${deleted} audit events older than ${this.retentionDays} days`,
      );
    }
    return deleted;
  }
}
