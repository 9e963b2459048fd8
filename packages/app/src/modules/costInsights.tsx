import {
  ApiBlueprint,
  PageBlueprint,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import {
  compatWrapper,
  convertLegacyPlugin,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import {
  CostInsightsPage,
  costInsightsApiRef,
  costInsightsPlugin,
} from '@backstage/plugin-cost-insights';
import {
  LlmUsageCostInsightsClient,
  llmUsageApiRef,
} from '@llm-usage/backstage-plugin-llm-usage';
import MoneyIcon from '@material-ui/icons/MonetizationOn';

/**
 * Cost Insights' API served by LLM Usage: a team's LLM spend per day, its
 * trend and its split by model, in one currency (`costInsights.currencies`
 * lists only that one; spend in other currencies is left out, never
 * converted).
 */
export const llmCostInsightsApi = ApiBlueprint.make({
  name: 'llm-usage',
  params: defineParams =>
    defineParams({
      api: costInsightsApiRef,
      deps: { llmUsageApi: llmUsageApiRef, identityApi: identityApiRef },
      factory: ({ llmUsageApi, identityApi }) =>
        new LlmUsageCostInsightsClient({ llmUsageApi, identityApi }),
    }),
});

/** `/cost-insights`, listed in the sidebar by its title and icon. */
export const costInsightsPage = PageBlueprint.make({
  params: {
    path: '/cost-insights',
    title: 'Cost Insights',
    icon: <MoneyIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(costInsightsPlugin.routes.root),
    loader: async () => compatWrapper(<CostInsightsPage />),
  },
});

/**
 * Backstage's Cost Insights page (the last release on the npm registry,
 * `@backstage/plugin-cost-insights`, a legacy plugin) in this app.
 */
export const costInsights = convertLegacyPlugin(costInsightsPlugin, {
  extensions: [llmCostInsightsApi, costInsightsPage],
});
