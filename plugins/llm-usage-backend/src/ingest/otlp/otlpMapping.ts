import type { Config } from '@backstage/config';
import { z } from 'zod/v3';
import { readAdapterConfig } from '../adapterSupport';

/**
 * Where the OTLP adapter finds a span's project id and user
 * (`llmUsage.ingest.otlp` in app-config). Attributes are looked up on the span
 * first, then on its resource, in the order given.
 */
export interface OtlpMapping {
  projectIdAttributes: string[];
  defaultProjectId: string;
  userAttributes: string[];
  userNamespace: string;
  defaultUserRef: string;
}

const attributeList = (defaults: string[]) =>
  z.array(z.string().min(1)).min(1).default(defaults);

const mappingSchema = z.object({
  projectIdAttributes: attributeList(['service.name']),
  defaultProjectId: z.string().min(1).default('otel'),
  userAttributes: attributeList(['enduser.id', 'user.id']),
  userNamespace: z.string().min(1).default('default'),
  defaultUserRef: z.string().min(1).default('user:default/otel'),
});

export function readOtlpMapping(config?: Config): OtlpMapping {
  return readAdapterConfig('otlp', mappingSchema, config);
}
