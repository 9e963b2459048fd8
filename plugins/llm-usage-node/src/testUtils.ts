/**
 * Test helpers for provider modules: an msw server wired to Backstage's test
 * hooks, a logger that keeps its lines, a guard that fails any test whose
 * logs contain a secret, and the providers a module adds.
 *
 * @packageDocumentation
 */
import {
  createBackendPlugin,
  type BackendFeature,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import {
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { setupServer, type SetupServer } from 'msw/node';
import { llmUsageProvidersExtensionPoint } from './extensionPoint';
import type { LlmProvider } from './provider';

/** An msw server started and reset around every test. @public */
export function createProviderTestServer(): SetupServer {
  const server = setupServer();
  registerMswTestHooks(server);
  return server;
}

/**
 * A logger that keeps every line with its metadata and its children's, so a
 * test can assert on what would have been logged.
 *
 * @public
 */
export function captureLogger(): { logger: LoggerService; lines: string[] } {
  const lines: string[] = [];
  const make = (meta: unknown): LoggerService => {
    const log = (message: string, extra?: unknown) => {
      lines.push(JSON.stringify([message, meta, extra]));
    };
    return {
      debug: log,
      info: log,
      warn: log,
      error: log,
      child: childMeta => make([meta, childMeta]),
    };
  };
  return { logger: make(undefined), lines };
}

/**
 * Fails each test (in an `afterEach`) whose captured log lines contain one of
 * the secrets. Call at module scope; make loggers with `logger()`.
 *
 * @public
 */
export function guardLogsAgainst(secrets: string[]): {
  logger(): LoggerService;
} {
  let captured: string[][] = [];
  afterEach(() => {
    const lines = captured.flat();
    captured = [];
    const leaked = secrets.find(secret =>
      lines.some(line => line.includes(secret)),
    );
    if (leaked !== undefined) {
      throw new Error('a secret appeared in a log line');
    }
  });
  return {
    logger() {
      const { logger, lines } = captureLogger();
      captured.push(lines);
      return logger;
    },
  };
}

/**
 * Starts a test backend with the given modules and a stand-in llm-usage
 * plugin, and returns the providers they added through
 * {@link llmUsageProvidersExtensionPoint}.
 *
 * @public
 */
export async function providersAddedBy(
  ...modules: BackendFeature[]
): Promise<LlmProvider[]> {
  const added: LlmProvider[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'llm-usage',
    register(env) {
      env.registerExtensionPoint(llmUsageProvidersExtensionPoint, {
        addProvider: provider => added.push(provider),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  const backend = await startTestBackend({ features: [plugin, ...modules] });
  await backend.stop();
  return added;
}
