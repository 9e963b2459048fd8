/**
 * Types, constants and permissions shared by the LLM Usage frontend and backend.
 *
 * @packageDocumentation
 */
export * from './constants';
export * from './permissions';
export * from './types';
export * from './alerts';
export * from './accounts';
export * from './keys';
export * from './audit';
