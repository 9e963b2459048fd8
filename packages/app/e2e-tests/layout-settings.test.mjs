// Every settings tab at 1440 and 390 px (checks in layout.mjs).
import { describeLayout } from './layout.mjs';

describeLayout([
  'settings-accounts',
  'settings-tags',
  'settings-budgets',
  'settings-alert-rules',
]);
