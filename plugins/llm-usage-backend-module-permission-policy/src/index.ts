/**
 * The LLM Usage permission policy for the permission backend: admins from
 * `llmUsage.admins` see everything, everyone else their own and their
 * groups' keys and accounts.
 *
 * @packageDocumentation
 */
export { llmUsagePermissionPolicyModule as default } from './module';
export {
  LlmUsagePermissionPolicy,
  isLlmUsagePermission,
} from './LlmUsagePermissionPolicy';
