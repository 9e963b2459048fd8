export * from './rules';
export { LlmUsageAuthorizer, applyOwnerFilter } from './LlmUsageAuthorizer';
export type { OwnerFilter } from './LlmUsageAuthorizer';
