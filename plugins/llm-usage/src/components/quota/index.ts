export * from './BalanceHistoryList';
export * from './BalanceQuotaCard';
export * from './BudgetQuotaCard';
export * from './RunwayText';
