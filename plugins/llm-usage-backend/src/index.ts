/**
 * The LLM Usage backend plugin.
 *
 * @packageDocumentation
 */
export { llmUsagePlugin as default } from './plugin';
