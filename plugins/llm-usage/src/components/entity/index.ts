export { EntityLlmUsageContent } from './EntityLlmUsageContent';
export { EntityLlmUsageCard } from './EntityLlmUsageCard';
export { isLlmUsageAvailable, projectIdsOf } from './entityPredicates';
