import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { z as zod } from 'zod/v3';
import type { UsageReports } from '../reports/UsageReports';
import { parseRangeQuery } from '../service/queryParsers';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';

export interface UsageActionsOptions {
  actionsRegistry: ActionsRegistryService;
  visibility: VisibilityResolver;
  reports: UsageReports;
}

const RANGE_HINT =
  'ISO 8601 date-time; the range defaults to the last 30 days and may span at most 400 days';

/** The optional range an action takes, and the one it answers for. */
const rangeInput = (z: typeof zod) => ({
  from: z.string().optional().describe(`Start; ${RANGE_HINT}`),
  to: z.string().optional().describe('End (exclusive); default now'),
});
const rangeOutput = (z: typeof zod) => ({ from: z.string(), to: z.string() });

/**
 * Assistant actions (served to MCP clients by the MCP actions backend). Each
 * answers within the caller's visibility, exactly as the usage API would.
 */
export function registerUsageActions(options: UsageActionsOptions) {
  const { actionsRegistry, visibility, reports } = options;

  actionsRegistry.register({
    name: 'get-usage-summary',
    title: 'LLM usage summary',
    description:
      'Calls, tokens, exact cost per currency, success rate and latency of LLM calls over a time range, ' +
      'for one project id, for a catalog entity (a Component: its projects; a Group or User: the projects it owns) ' +
      'or, with neither, for everything the caller may see.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          projectId: z
            .string()
            .min(1)
            .max(255)
            .optional()
            .describe('A project id, as sent with each call'),
          entityRef: z
            .string()
            .min(1)
            .max(255)
            .optional()
            .describe(
              'A catalog entity ref such as group:default/team-a or component:default/support-bot',
            ),
          ...rangeInput(z),
        }),
      output: z =>
        z.object({
          ...rangeOutput(z),
          projectIds: z
            .array(z.string())
            .describe('Projects with calls in the range that the caller sees'),
          calls: z.number(),
          successCalls: z.number(),
          failedCalls: z.number(),
          processingCalls: z.number(),
          inputTokens: z.number(),
          outputTokens: z.number(),
          cachedTokens: z.number(),
          totalTokens: z.number(),
          costs: z
            .array(z.object({ currency: z.string(), amount: z.string() }))
            .describe('Exact decimal amounts; currencies are never summed'),
          successRate: z.number().nullable(),
          avgLatencyMs: z.number().nullable(),
          p95LatencyMs: z.number().nullable(),
        }),
    },
    action: async ({ input, credentials }) => {
      const range = parseRangeQuery({ from: input.from, to: input.to });
      const scope = await visibility.scopeFor(credentials);
      const target = await reports.resolveTarget(input);
      const summary = await reports.summary(scope, target, range);
      return {
        output: {
          from: new Date(range.from).toISOString(),
          to: new Date(range.to).toISOString(),
          ...summary,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'list-top-spenders',
    title: 'Top LLM spenders',
    description:
      'The projects or models that spent the most in one currency over a time range, ' +
      'among the calls the caller may see, with their calls and tokens.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          by: z
            .enum(['project', 'model'])
            .default('project')
            .describe('Rank projects or models'),
          currency: z
            .string()
            .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as USD')
            .default('USD')
            .describe('Costs in other currencies are not converted'),
          limit: z.number().int().min(1).max(100).default(10),
          ...rangeInput(z),
        }),
      output: z =>
        z.object({
          ...rangeOutput(z),
          by: z.enum(['project', 'model']),
          currency: z.string(),
          spenders: z.array(
            z.object({
              name: z.string(),
              cost: z.string().describe('Exact decimal amount'),
              calls: z.number(),
              totalTokens: z.number(),
              entityRef: z
                .string()
                .optional()
                .describe('The catalog Component declaring the project id'),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const range = parseRangeQuery({ from: input.from, to: input.to });
      const scope = await visibility.scopeFor(credentials);
      const currency = input.currency.toUpperCase();
      const spenders = await reports.topSpenders(
        scope,
        range,
        input.by,
        currency,
        input.limit,
      );
      return {
        output: {
          from: new Date(range.from).toISOString(),
          to: new Date(range.to).toISOString(),
          by: input.by,
          currency,
          spenders,
        },
      };
    },
  });
}
