// The keys and a key's drawer at 1440 and 390 px (checks in layout.mjs).
import { describeLayout } from './layout.mjs';

describeLayout(['keys', 'key-drawer']);
