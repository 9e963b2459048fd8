import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// recharts' ResponsiveContainer measures itself with ResizeObserver, which
// jsdom lacks.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= ResizeObserverStub;

// Whole pages render slowly in jsdom when the suite shares two cores with the
// database tests; give findBy*/waitFor room instead of the 1 s default.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);
