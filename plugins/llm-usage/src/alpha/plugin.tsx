import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import DataUsageIcon from '@material-ui/icons/DataUsage';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isLlmUsageAvailable } from '../components/entity/entityPredicates';
import { LlmUsageClient, llmUsageApiRef } from '../api';
import { llmUsageRootRouteRef } from '../routes';

export { llmUsageRootRouteRef };

/** @alpha */
export const llmUsageApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: llmUsageApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new LlmUsageClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The dashboard at `/llm-usage` with the project pages below it. The page
 * draws its own translated header, so the app's default header is off; the
 * title and icon also make the app list it in the navigation (the sidebar
 * can show a translated label through `llmUsageTranslationRef`).
 *
 * @alpha
 */
export const llmUsagePage = PageBlueprint.make({
  params: {
    path: '/llm-usage',
    title: 'LLM Usage',
    icon: <DataUsageIcon fontSize="inherit" />,
    routeRef: llmUsageRootRouteRef,
    noHeader: true,
    loader: () =>
      import('../components/LlmUsagePage').then(m => <m.LlmUsagePage />),
  },
});

/**
 * The "LLM Usage" tab on the pages of Components with the
 * `llm-usage.io/project-id` annotation and of Groups.
 *
 * @alpha
 */
export const llmUsageEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/llm-usage',
    title: 'LLM Usage',
    filter: isLlmUsageAvailable,
    loader: () =>
      import('../components/entity').then(m => <m.EntityLlmUsageContent />),
  },
});

/**
 * A small LLM usage card on the same entities' overview pages.
 *
 * @alpha
 */
export const llmUsageEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isLlmUsageAvailable,
    loader: () =>
      import('../components/entity').then(m => <m.EntityLlmUsageCard />),
  },
});

/**
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'llm-usage',
  title: 'LLM Usage',
  icon: <DataUsageIcon fontSize="inherit" />,
  info: { packageJson: () => import('../../package.json') },
  routes: {
    root: llmUsageRootRouteRef,
  },
  extensions: [
    llmUsageApi,
    llmUsagePage,
    llmUsageEntityContent,
    llmUsageEntityCard,
  ],
});
