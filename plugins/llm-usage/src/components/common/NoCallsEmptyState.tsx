import { Box, Typography } from '@material-ui/core';
import { CodeSnippet, EmptyState, Link } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useLocalization } from '../../hooks';

/**
 * Where the README explains how to report calls; overridable with
 * `llmUsage.docs.sendingCallsUrl` for forks and internal mirrors.
 */
export const DEFAULT_SENDING_CALLS_URL =
  'https://github.com/llm-usage/backstage-llm-usage#sending-calls';

function exampleRequest(backendBaseUrl: string) {
  const call = {
    id: 'call-0001',
    timestamp: '2025-01-01T12:00:00Z',
    userRef: 'user:default/jane',
    projectId: 'my-service',
    provider: 'openai',
    model: 'gpt-4o-mini',
    type: 'chat',
    status: 'success',
    durationMs: 840,
    inputTokens: 1200,
    outputTokens: 350,
    cost: '0.00039',
    currency: 'USD',
  };
  return [
    `curl -X POST ${backendBaseUrl}/api/llm-usage/calls \\`,
    `  -H "Authorization: Bearer $LLM_USAGE_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${JSON.stringify([call])}'`,
  ].join('\n');
}

/** What a new adopter sees before the first call is reported. */
export function NoCallsEmptyState() {
  const { t } = useLocalization();
  const configApi = useApi(configApiRef);
  const docsUrl =
    configApi.getOptionalString('llmUsage.docs.sendingCallsUrl') ??
    DEFAULT_SENDING_CALLS_URL;
  const backendBaseUrl =
    configApi.getOptionalString('backend.baseUrl') ?? 'http://localhost:7007';

  return (
    <EmptyState
      missing="data"
      title={t('empty.title')}
      description={t('empty.description')}
      action={
        <Box maxWidth="100%">
          <Box mb={1} overflow="auto">
            <CodeSnippet
              language="bash"
              text={exampleRequest(backendBaseUrl)}
              showCopyCodeButton
            />
          </Box>
          <Typography variant="body1">
            <Link to={docsUrl}>{t('empty.readmeLink')}</Link>
          </Typography>
        </Box>
      }
    />
  );
}
