/**
 * Scaffolder actions for LLM Usage: `llm-usage:key:create` creates a provider
 * key for a service and `llm-usage:key:rotate` replaces one, both acting as
 * the person running the template.
 *
 * @packageDocumentation
 */
export { scaffolderModuleLlmUsage as default } from './module';
export { createLlmUsageKeyCreateAction } from './actions/createKeyAction';
export { createLlmUsageKeyRotateAction } from './actions/rotateKeyAction';
export type { LlmUsageKeyActionOptions } from './actions/keyActionSupport';
