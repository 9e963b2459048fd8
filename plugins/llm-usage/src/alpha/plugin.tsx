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
import { LLM_USAGE_TITLE, llmUsageTitle } from './title';

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
 * title (in the viewer's language, see {@link llmUsageTitle}) and icon also
 * make the app list it in the navigation. A `title` in the extension's
 * app-config wins.
 *
 * @alpha
 */
export const llmUsagePage = PageBlueprint.makeWithOverrides({
  factory: (originalFactory, { apis }) =>
    originalFactory({
      path: '/llm-usage',
      title: llmUsageTitle(apis),
      icon: <DataUsageIcon fontSize="inherit" />,
      routeRef: llmUsageRootRouteRef,
      noHeader: true,
      loader: () =>
        import('../components/LlmUsagePage').then(m => <m.LlmUsagePage />),
    }),
});

/**
 * The "LLM Usage" tab on the pages of Components with the
 * `llm-usage.io/project-id` annotation and of Groups, titled in the viewer's
 * language (see {@link llmUsageTitle}); a `title` in the extension's
 * app-config wins.
 *
 * @alpha
 */
export const llmUsageEntityContent = EntityContentBlueprint.makeWithOverrides({
  factory: (originalFactory, { apis }) =>
    originalFactory({
      path: '/llm-usage',
      title: llmUsageTitle(apis),
      filter: isLlmUsageAvailable,
      loader: () =>
        import('../components/entity').then(m => <m.EntityLlmUsageContent />),
    }),
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
  // Plugin titles are static; the app shows this one only in developer tools
  // such as the app visualizer (the page and the tab have their own).
  title: LLM_USAGE_TITLE,
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
