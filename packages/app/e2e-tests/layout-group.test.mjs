// A Group's LLM Usage tab at 1440 and 390 px (checks in layout.mjs).
import { describeLayout } from './layout.mjs';

describeLayout(['group-tab']);
