import type {
  CallRecord,
  ProjectUsage,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { ExportColumn } from './tableExport';

/** Columns of the project list export; one cost column per currency present. */
export function projectExportColumns(
  projects: ProjectUsage[],
): ExportColumn<ProjectUsage>[] {
  const currencies = [
    ...new Set(projects.flatMap(p => p.costs.map(c => c.currency))),
  ].sort();
  return [
    { header: 'projectId', value: p => p.projectId, width: 24 },
    { header: 'entityRef', value: p => p.entity?.entityRef, width: 32 },
    { header: 'entityTitle', value: p => p.entity?.title, width: 24 },
    { header: 'owners', value: p => p.entity?.ownerRefs.join(' '), width: 28 },
    { header: 'calls', value: p => p.calls },
    { header: 'successCalls', value: p => p.successCalls },
    { header: 'failedCalls', value: p => p.failedCalls },
    { header: 'processingCalls', value: p => p.processingCalls },
    { header: 'successRate', value: p => p.successRate },
    { header: 'inputTokens', value: p => p.inputTokens },
    { header: 'outputTokens', value: p => p.outputTokens },
    { header: 'cachedTokens', value: p => p.cachedTokens },
    { header: 'totalTokens', value: p => p.totalTokens },
    { header: 'avgLatencyMs', value: p => p.avgLatencyMs },
    { header: 'p95LatencyMs', value: p => p.p95LatencyMs },
    { header: 'lastCallAt', value: p => p.lastCallAt, width: 26 },
    // Currencies stay apart: one exact column each, never summed.
    ...currencies.map(
      (currency): ExportColumn<ProjectUsage> => ({
        header: 'cost',
        currency,
        kind: 'decimal',
        value: p => p.costs.find(c => c.currency === currency)?.amount ?? '0',
      }),
    ),
  ];
}

/** Columns of a project's call history export. */
export const CALL_EXPORT_COLUMNS: ExportColumn<CallRecord>[] = [
  { header: 'time', value: c => c.timestamp, width: 26 },
  { header: 'callId', value: c => c.id, width: 28 },
  { header: 'status', value: c => c.status },
  { header: 'provider', value: c => c.provider },
  { header: 'model', value: c => c.model, width: 24 },
  { header: 'callType', value: c => c.type },
  { header: 'userRef', value: c => c.userRef, width: 26 },
  { header: 'apiKeyId', value: c => c.apiKeyId, width: 20 },
  { header: 'inputTokens', value: c => c.inputTokens },
  { header: 'outputTokens', value: c => c.outputTokens },
  { header: 'cachedTokens', value: c => c.cachedTokens },
  { header: 'durationMs', value: c => c.durationMs },
  { header: 'ttftMs', value: c => c.ttftMs },
  { header: 'cost', value: c => c.cost, kind: 'decimal' },
  { header: 'currency', value: c => c.currency },
  { header: 'errorReason', value: c => c.errorReason, width: 30 },
  {
    header: 'metadata',
    value: c => (c.metadata ? JSON.stringify(c.metadata) : null),
    width: 30,
  },
];

/** A file name part from a range: `2026-10-26_2026-11-25` (UTC days). */
export function rangeLabel(range: { from: number; to: number }): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `${day(range.from)}_${day(range.to)}`;
}

/** Keeps a project id usable in a file name on every system. */
export function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}
