import {
  createApiFactory,
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
export const LlmUsagePage = llmUsagePlugin.provide(
  createRoutableExtension({
    name: 'LlmUsagePage',
    component: () =>
      import('./components/LlmUsagePage').then(m => m.LlmUsagePage),
    mountPoint: rootRouteRef,
  }),
);
