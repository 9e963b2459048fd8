import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { LlmUsageClient, llmUsageApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * The LLM Usage plugin for apps on the legacy frontend system. Apps on the
 * new frontend system use the default export of `/alpha` instead.
 *
 * @public
 */
export const llmUsagePlugin = createPlugin({
  id: 'llm-usage',
  apis: [
    createApiFactory({
      api: llmUsageApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new LlmUsageClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The LLM Usage dashboard and project pages, for a route such as
 * `<Route path="/llm-usage" element={<LlmUsagePage />} />`.
 *
 * @public
 */
// Typed here so the published declarations do not name the internal router.
export const LlmUsagePage: () => JSX.Element = llmUsagePlugin.provide(
  createRoutableExtension({
    name: 'LlmUsagePage',
    component: () =>
      import('./components/LlmUsagePage').then(m => m.LlmUsagePage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The "LLM Usage" tab for catalog entity pages (Components with the
 * `llm-usage.io/project-id` annotation, and Groups); show it when
 * {@link isLlmUsageAvailable} holds.
 *
 * @public
 */
export const EntityLlmUsageContent = llmUsagePlugin.provide(
  createComponentExtension({
    name: 'EntityLlmUsageContent',
    component: {
      lazy: () =>
        import('./components/entity').then(m => m.EntityLlmUsageContent),
    },
  }),
);

/**
 * A small LLM usage card for entity overview pages.
 *
 * @public
 */
export const EntityLlmUsageCard = llmUsagePlugin.provide(
  createComponentExtension({
    name: 'EntityLlmUsageCard',
    component: {
      lazy: () => import('./components/entity').then(m => m.EntityLlmUsageCard),
    },
  }),
);
