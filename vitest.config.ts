import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Suites compile kernel libraries and models in beforeAll: on a loaded 2-core machine that takes more than the default 10 s.
    hookTimeout: 180_000,
    // Each AssemblyScript compilation once per run (and across runs until a source changes): codegen/compile-cache.ts.
    env: { PIBINN_COMPILE_CACHE: 'node_modules/.cache/pibinn-compile' },
  },
});
