import {
  SLO_ANNOTATIONS,
  SLO_METRICS,
  type SloMetric,
  type SloObjective,
  type SloSettingsInput,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';

/** Used when a Component names thresholds but no target or window. */
export const DEFAULT_SLO_TARGET = 0.99;
export const DEFAULT_SLO_WINDOW_DAYS = 28;

/** Bounds of a declaration, the same for annotations and settings. */
export const SLO_BOUNDS = {
  /** A target of 1 leaves no budget to burn. */
  target: { min: 0.5, max: 0.9999 },
  windowDays: { min: 1, max: 90 },
  /** Ten minutes: the longest latency or TTFT threshold that means anything. */
  ms: { min: 1, max: 600_000 },
  errorRate: { min: 0.0001, max: 0.99 },
};

/** `1%`, `0.5 %` or `0.01` as a fraction. */
function parseFraction(value: string): number | undefined {
  const text = value.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) return Number(percent[1]) / 100;
  return /^\d*\.?\d+$/.test(text) ? Number(text) : undefined;
}

/** `3000`, `3000ms` or `3s` as milliseconds. */
function parseMilliseconds(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(value.trim());
  if (!match) return undefined;
  return match[2] === 's' ? Number(match[1]) * 1000 : Number(match[1]);
}

/** `28d`, `4w` or `28` as days. */
function parseWindowDays(value: string): number | undefined {
  const match = /^(\d+)\s*(d|w)?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === 'w' ? 7 : 1);
}

const within = (
  value: number | undefined,
  bounds: { min: number; max: number },
) =>
  value !== undefined && value >= bounds.min && value <= bounds.max
    ? value
    : undefined;

const THRESHOLD_PARSERS: Record<
  SloMetric,
  (value: string) => number | undefined
> = {
  latencyP95: value => within(parseMilliseconds(value), SLO_BOUNDS.ms),
  ttft: value => within(parseMilliseconds(value), SLO_BOUNDS.ms),
  errorRate: value => within(parseFraction(value), SLO_BOUNDS.errorRate),
};

/** What a Component's annotations declare, and which of them could not be read. */
export interface AnnotatedSlo {
  objectives: SloObjective[];
  invalid: Array<{ annotation: string; value: string }>;
}

/**
 * Reads the SLO annotations (see `SLO_ANNOTATIONS`). A threshold that cannot
 * be read leaves its objective out; a target or window that cannot be read
 * leaves them all out, rather than judge by a default nobody chose.
 */
export function objectivesFromAnnotations(
  annotations: Record<string, string>,
): AnnotatedSlo {
  const invalid: AnnotatedSlo['invalid'] = [];
  const read = <T>(
    annotation: string,
    parse: (value: string) => T | undefined,
  ): T | undefined | null => {
    const value = annotations[annotation];
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed === undefined) {
      invalid.push({ annotation, value });
      return null;
    }
    return parsed;
  };
  const target = read(SLO_ANNOTATIONS.target, value =>
    within(parseFraction(value), SLO_BOUNDS.target),
  );
  const windowDays = read(SLO_ANNOTATIONS.window, value =>
    within(parseWindowDays(value), SLO_BOUNDS.windowDays),
  );
  const objectives: SloObjective[] = [];
  for (const metric of SLO_METRICS) {
    const threshold = read(SLO_ANNOTATIONS[metric], THRESHOLD_PARSERS[metric]);
    if (threshold === undefined || threshold === null) continue;
    objectives.push({
      metric,
      threshold,
      target: target ?? DEFAULT_SLO_TARGET,
      windowDays: windowDays ?? DEFAULT_SLO_WINDOW_DAYS,
    });
  }
  if (target === null || windowDays === null)
    return { objectives: [], invalid };
  return { objectives, invalid };
}

const objectiveSchema = z
  .object({
    metric: z.enum(SLO_METRICS),
    threshold: z.number().positive(),
    target: z.number().min(SLO_BOUNDS.target.min).max(SLO_BOUNDS.target.max),
    windowDays: z
      .number()
      .int()
      .min(SLO_BOUNDS.windowDays.min)
      .max(SLO_BOUNDS.windowDays.max),
  })
  .strict()
  .superRefine((objective, ctx) => {
    const bounds =
      objective.metric === 'errorRate' ? SLO_BOUNDS.errorRate : SLO_BOUNDS.ms;
    if (objective.threshold < bounds.min || objective.threshold > bounds.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: `must be between ${bounds.min} and ${bounds.max} for ${objective.metric}`,
      });
    }
  });

/** `PUT /slo/projects/{projectId}/settings` bodies: each metric at most once. */
export const sloSettingsSchema: z.ZodType<SloSettingsInput> = z
  .object({
    objectives: z
      .array(objectiveSchema)
      .min(1)
      .max(SLO_METRICS.length)
      .refine(
        items => new Set(items.map(item => item.metric)).size === items.length,
        'must name each metric once',
      ),
  })
  .strict();
