import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each conformance check starts a target; the breaker and Retry-After checks wait on real time.
    testTimeout: 90_000,
  },
});
