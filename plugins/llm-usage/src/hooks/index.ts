export * from './usage';
export * from './useFormatters';
export * from './usePolledQuery';
export * from './usePollingInterval';
export * from './useUsageRange';
export * from './useDocumentVisible';
export * from './keys';
export * from './alerts';
