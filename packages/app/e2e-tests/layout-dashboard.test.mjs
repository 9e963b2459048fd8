// The dashboard, its balance history dialog and a project at 1440 and 390 px
// (checks in layout.mjs).
import { describeLayout } from './layout.mjs';

describeLayout(['dashboard', 'balance-history', 'project']);
