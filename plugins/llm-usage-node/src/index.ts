/**
 * The extension point and interfaces that LLM provider modules implement.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './extensionPoint';
export * from './createProviderModule';
export * from './provider';
export * from './http';
