export * from './ActivityPage';
