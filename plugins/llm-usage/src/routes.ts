import { createRouteRef } from '@backstage/core-plugin-api';

/** Where a legacy app mounts {@link LlmUsagePage}. */
export const rootRouteRef = createRouteRef({
  id: 'llm-usage',
});
