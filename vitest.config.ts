import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Suites compile kernel libraries and models in beforeAll: on a loaded 2-core machine that takes more than the default 10 s.
    hookTimeout: 180_000,
  },
});
