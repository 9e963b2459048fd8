export * from './BudgetsSettings';
