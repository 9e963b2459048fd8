import type {
  SloObjective,
  SloSettings,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';

const TABLE = 'llm_usage_slo_settings';

interface Row {
  project_id: string;
  objectives: string;
  updated_by: string;
  updated_at: number | string;
}

function toSettings(row: Row): SloSettings {
  return {
    projectId: row.project_id,
    objectives: JSON.parse(row.objectives) as SloObjective[],
    updatedBy: row.updated_by,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/** The SLOs admins set per project (migration 20261204204000). */
export class SloSettingsStore {
  constructor(private readonly db: Knex) {}

  async get(projectId: string): Promise<SloSettings | undefined> {
    const row: Row | undefined = await this.db(TABLE)
      .where('project_id', projectId)
      .first();
    return row ? toSettings(row) : undefined;
  }

  async list(): Promise<SloSettings[]> {
    const rows: Row[] = await this.db(TABLE).orderBy('project_id');
    return rows.map(toSettings);
  }

  async set(
    projectId: string,
    objectives: SloObjective[],
    actorRef: string,
    now = Date.now(),
  ): Promise<SloSettings> {
    await this.db(TABLE)
      .insert({
        project_id: projectId,
        objectives: JSON.stringify(objectives),
        updated_by: actorRef,
        updated_at: now,
      })
      .onConflict('project_id')
      .merge(['objectives', 'updated_by', 'updated_at']);
    return (await this.get(projectId))!;
  }

  /** Removes them; the Component's annotations apply again. */
  async delete(projectId: string): Promise<SloSettings | undefined> {
    const before = await this.get(projectId);
    if (before) await this.db(TABLE).where('project_id', projectId).delete();
    return before;
  }
}
