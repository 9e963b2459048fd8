import { useRouteRef } from '@backstage/frontend-plugin-api';
import { llmUsageRootRouteRef } from '../../alpha/plugin';

/** Where the app mounts the LLM Usage pages when it does not say. */
const DEFAULT_ROOT = '/llm-usage';

/**
 * The path of the LLM Usage pages, for links from catalog entity pages
 * (which live outside the plugin's own routes).
 */
export function useLlmUsageRoot(): string {
  let root: string | undefined;
  try {
    root = useRouteRef(llmUsageRootRouteRef)?.();
  } catch {
    // Legacy apps resolve routes differently; the default mount point works.
  }
  return root ?? DEFAULT_ROOT;
}
