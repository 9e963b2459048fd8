export * from './BasePath';
export * from './DeltaLabel';
export * from './LlmUsageLayout';
export * from './NoCallsEmptyState';
export * from './QueryErrorPanel';
export * from './RangePicker';
export * from './StatCard';
