/**
 * The Volcengine (Ark / Doubao) provider for LLM Usage: CNY balance from the
 * billing OpenAPI and Ark token usage, with HMAC-SHA256 request signing.
 *
 * @packageDocumentation
 */
export { llmUsageModuleVolcengine as default } from './module';
export { volcengineProvider } from './provider';
export {
  VolcengineClient,
  VOLCENGINE_DEFAULT_BASE_URL,
} from './VolcengineClient';
export type { VolcengineClientOptions } from './VolcengineClient';
export { signVolcengineRequest } from './signing';
export type {
  VolcengineCredentials,
  VolcengineSignature,
  VolcengineSigningInput,
} from './signing';
