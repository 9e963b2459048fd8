import { createRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef as createFrontendRouteRef } from '@backstage/frontend-plugin-api';

/** Where a legacy app mounts {@link LlmUsagePage}. */
export const rootRouteRef = createRouteRef({
  id: 'llm-usage',
});

/**
 * Where the new frontend system mounts the LLM Usage pages. It lives here, not
 * in `alpha/plugin.tsx`, so that components linking to the pages do not import
 * the plugin that lazily imports them (an import cycle).
 *
 * @alpha
 */
export const llmUsageRootRouteRef = createFrontendRouteRef();
