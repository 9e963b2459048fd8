import '@testing-library/jest-dom';

// recharts' ResponsiveContainer measures itself with ResizeObserver, which
// jsdom lacks.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= ResizeObserverStub;
