/**
 * Tests of determinism must compile for real: the suite's compile cache (vitest.config.ts,
 * codegen/compile-cache.ts) would hand the second build the first one's bytes.
 */
export async function withoutCompileCache<T>(run: () => Promise<T>): Promise<T> {
  const saved = process.env.PIBINN_COMPILE_CACHE;
  delete process.env.PIBINN_COMPILE_CACHE;
  try {
    return await run();
  } finally {
    if (saved !== undefined) process.env.PIBINN_COMPILE_CACHE = saved;
  }
}
