import { ReactElement } from 'react';
import {
  TestApiProvider,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { LlmUsageApi, llmUsageApiRef } from '../api';

/**
 * Renders plugin UI inside a test app with a mocked LLM Usage API; polling
 * is off unless a test asks for an interval.
 */
export function renderWithApi(
  element: ReactElement,
  options: {
    api: LlmUsageApi;
    pollingIntervalSeconds?: number;
    initialRouteEntries?: string[];
    mountPath?: string;
  },
) {
  return renderInTestApp(
    <TestApiProvider apis={[[llmUsageApiRef, options.api]]}>
      {element}
    </TestApiProvider>,
    {
      config: {
        backend: { baseUrl: 'http://localhost:7007' },
        llmUsage: {
          polling: { intervalSeconds: options.pollingIntervalSeconds ?? 0 },
        },
      },
      initialRouteEntries: options.initialRouteEntries,
      mountPath: options.mountPath,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}
