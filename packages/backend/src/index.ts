/*
 * The LLM Usage backend: catalog, guest sign-in, permissions (with the policy
 * of @llm-usage/backstage-plugin-llm-usage-backend-module-permission-policy),
 * notifications, signals, the scaffolder and the llm-usage plugin.
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// serves the built frontend in production
backend.add(import('@backstage/plugin-app-backend'));

// auth plugin; guest sign-in for local development
// See https://backstage.io/docs/auth/guest/provider
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin with the LLM Usage policy
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import(
    '@llm-usage/backstage-plugin-llm-usage-backend-module-permission-policy'
  ),
);

// user settings, notifications and signals, used by the app
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
// e-mails each notification (alerts, digests) to its recipients; the transport
// is notifications.processors.email in app-config (locally a sink that only logs)
backend.add(import('@backstage/plugin-notifications-backend-module-email'));
backend.add(import('@backstage/plugin-signals-backend'));
// the events bus: signals and notifications raised on one replica reach users on
// every replica (and the "events backend not found" warning at start goes away)
backend.add(import('@backstage/plugin-events-backend'));

// Software Templates, with the Template kind in the catalog and the LLM Usage
// key actions (llm-usage:key:create, llm-usage:key:rotate)
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(
  import('@llm-usage/backstage-plugin-llm-usage-backend-module-scaffolder'),
);

// MCP actions (see backend.actions.pluginSources in app-config.yaml)
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// LLM Usage
backend.add(import('@llm-usage/backstage-plugin-llm-usage-backend'));
// Provider modules: accounts come from llmUsage.accounts or the Settings page;
// without any, they only make their provider available.
backend.add(
  import('@llm-usage/backstage-plugin-llm-usage-backend-module-openai'),
);
backend.add(
  import('@llm-usage/backstage-plugin-llm-usage-backend-module-anthropic'),
);
backend.add(
  import('@llm-usage/backstage-plugin-llm-usage-backend-module-openrouter'),
);
backend.add(
  import('@llm-usage/backstage-plugin-llm-usage-backend-module-volcengine'),
);

backend.start();
