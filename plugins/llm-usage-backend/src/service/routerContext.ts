import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ProviderRegistry } from '../accounts/ProviderRegistry';
import type { LiteLlmMapping } from '../ingest/litellm/liteLlmMapping';
import type { OtlpMapping } from '../ingest/otlp/otlpMapping';
import type { Services } from '../services';

/** The core services the routers use. */
export interface RouterDeps {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  permissions: PermissionsService;
  catalog: CatalogService;
  providers: ProviderRegistry;
}

/**
 * What the routers are built from: the core services, the plugin's own
 * services and the app-config settings they read. Each router's options name
 * the part it uses, by the same names.
 */
export type RouterContext = RouterDeps &
  Services & {
    maxBatchSize: number;
    demoDataEnabled: boolean;
    litellm: LiteLlmMapping;
    otlp: OtlpMapping;
  };
