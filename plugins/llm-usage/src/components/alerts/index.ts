export { AlertsPage } from './AlertsPage';
export { AlertDrawer } from './AlertDrawer';
export { LlmUsageAlertsBadge } from './LlmUsageAlertsBadge';
