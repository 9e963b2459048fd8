import type {
  SloObjective,
  SloReportResponse,
  SloSource,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { HOUR_MS, hourStartOf } from '../database/tables';
import type { RollupStore } from '../rollup/RollupStore';
import type { UsageQueries } from '../usage/UsageQueries';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import { objectivesFromAnnotations } from './sloDeclaration';
import { type HourSample, evaluateObjective } from './sloMath';
import type { SloSettingsStore } from './SloSettingsStore';

/** A project's objectives and where they come from. */
export interface SloDeclaration {
  source: SloSource | null;
  objectives: SloObjective[];
  invalid: Array<{ annotation: string; value: string }>;
}

/**
 * Each project's SLOs: declared by its Component's annotations or, taking
 * precedence, by an admin in the settings; judged hour by hour from the
 * hourly rollups (see `sloMath`). Only closed, rolled hours are judged, so
 * a report never scans raw calls beyond the few hours late calls re-opened.
 */
export class SloService {
  constructor(
    private readonly deps: {
      queries: UsageQueries;
      rollups: RollupStore;
      projects: Pick<ProjectDirectory, 'projects' | 'annotationsOf'>;
      settings: SloSettingsStore;
    },
  ) {}

  /** Settings override annotations: an admin can correct a Component without a commit. */
  async declaration(projectId: string): Promise<SloDeclaration> {
    const saved = await this.deps.settings.get(projectId);
    if (saved) {
      return { source: 'settings', objectives: saved.objectives, invalid: [] };
    }
    const annotated = objectivesFromAnnotations(
      await this.deps.projects.annotationsOf(projectId),
    );
    return {
      source: annotated.objectives.length > 0 ? 'annotation' : null,
      objectives: annotated.objectives,
      invalid: annotated.invalid,
    };
  }

  /** Every project that declares an SLO, by annotation or in the settings. */
  async declaredProjects(): Promise<string[]> {
    const ids = new Set(
      (await this.deps.settings.list()).map(saved => saved.projectId),
    );
    for (const projectId of (await this.deps.projects.projects()).keys()) {
      if (ids.has(projectId)) continue;
      const { objectives } = objectivesFromAnnotations(
        await this.deps.projects.annotationsOf(projectId),
      );
      if (objectives.length > 0) ids.add(projectId);
    }
    return [...ids].sort();
  }

  /** The project's SLO report as of the last rolled hour before `now`. */
  async report(
    projectId: string,
    now = Date.now(),
  ): Promise<SloReportResponse> {
    const declaration = await this.declaration(projectId);
    const { rolledUntil } = await this.deps.rollups.getState();
    // Before the first rollup there is no rolled hour to judge.
    const end = hourStartOf(rolledUntil > 0 ? Math.min(now, rolledUntil) : now);
    const longest = Math.max(
      0,
      ...declaration.objectives.map(o => o.windowDays),
    );
    const samples =
      declaration.objectives.length > 0 && rolledUntil > 0
        ? await this.hourSamples(projectId, end - longest * 24 * HOUR_MS, end)
        : [];
    return {
      projectId,
      source: declaration.source,
      evaluatedUntil: new Date(end).toISOString(),
      objectives: declaration.objectives.map(objective =>
        evaluateObjective(objective, samples, end),
      ),
      invalidAnnotations: declaration.invalid,
    };
  }

  /** Each hour's sums of the project, one bucket per hour, from the rollups. */
  private async hourSamples(
    projectId: string,
    from: number,
    to: number,
  ): Promise<HourSample[]> {
    const hours: number[] = [];
    for (let hour = from; hour < to; hour += HOUR_MS) hours.push(hour);
    if (hours.length === 0) return [];
    const groups = await this.deps.queries.aggregate({
      scope: { kind: 'all' },
      from,
      to,
      projectId,
      buckets: hours,
      withLatency: true,
    });
    return groups.map(({ bucket, usage }) => {
      const c = usage.counters;
      return {
        hourStart: hours[bucket],
        finished: c.successCalls + c.failedCalls,
        failed: c.failedCalls,
        p95LatencyMs: usage.hasSketch() ? usage.sketch.quantile(0.95) : null,
        meanTtftMs: c.ttftCount > 0 ? c.ttftSumMs / c.ttftCount : null,
      };
    });
  }
}
