/**
 * Types, constants and permissions shared by the LLM Usage frontend and backend.
 *
 * @packageDocumentation
 */
export * from './budgets';
export * from './constants';
export * from './dailyCosts';
export * from './groups';
export * from './money';
export * from './moneyFormat';
export * from './numberFormat';
export * from './permissions';
export * from './pricing';
export * from './providerUsage';
export * from './quota';
export * from './signals';
export * from './types';
export * from './accounts';
export * from './keys';
export * from './audit';
export * from './alerts';
export * from './slo';
export * from './rotation';
