/**
 * The LLM Usage backend plugin.
 *
 * @packageDocumentation
 */
export { llmUsagePlugin as default } from './plugin';
export {
  createLlmUsageAccountConditionalDecision,
  createLlmUsageKeyConditionalDecision,
  isAccountOwner,
  isKeyOwner,
  llmUsageAccountConditions,
  llmUsageAccountResourceRef,
  llmUsageKeyConditions,
  llmUsageKeyResourceRef,
} from './permissions/rules';
export type { OwnedResource, OwnerQuery } from './permissions/rules';
