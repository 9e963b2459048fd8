import {
  routeResolutionApiRef,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { llmUsageRootRouteRef } from '../../routes';

/** Where the app mounts the LLM Usage pages when it does not say. */
const DEFAULT_ROOT = '/llm-usage';

/**
 * The path of the LLM Usage pages, for links from catalog entity pages
 * (which live outside the plugin's own routes). Apps without route
 * resolution (legacy apps) use the default mount point.
 */
export function useLlmUsageRoot(): string {
  const routes = useApiHolder().get(routeResolutionApiRef);
  return routes?.resolve(llmUsageRootRouteRef)?.() ?? DEFAULT_ROOT;
}
