/**
 * Node.js library for LLM Usage backend modules.
 *
 * @packageDocumentation
 */
export {};
