/** The on-disk compile cache (codegen/compile-cache.ts): keyed on every input, stored whole, off unless asked. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedCompile, compileCacheKey, storeCompile } from '../../codegen/compile-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'pibinn-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compile cache', () => {
  const files = new Map([['a.ts', 'export const a = 1;'], ['b.ts', 'export const b = 2;']]);
  const key = compileCacheKey('0.28.20', files, ['a.ts', '-O3']);

  it('changes its key with the compiler version, any source, its path or any flag', () => {
    expect(compileCacheKey('0.28.21', files, ['a.ts', '-O3'])).not.toBe(key);
    expect(compileCacheKey('0.28.20', new Map(files).set('b.ts', 'export const b = 3;'), ['a.ts', '-O3'])).not.toBe(key);
    expect(compileCacheKey('0.28.20', new Map([['a.ts', 'export const a = 1;'], ['c.ts', 'export const b = 2;']]), ['a.ts', '-O3'])).not.toBe(key);
    expect(compileCacheKey('0.28.20', files, ['a.ts', '-O2'])).not.toBe(key);
    expect(compileCacheKey('0.28.20', new Map([...files].reverse()), ['a.ts', '-O3']), 'not the map order').toBe(key);
  });

  it('returns what was stored, nothing when off, and leaves no partial file', () => {
    const saved = process.env.PIBINN_COMPILE_CACHE;
    try {
      process.env.PIBINN_COMPILE_CACHE = dir;
      expect(cachedCompile(key)).toBeUndefined();
      storeCompile(key, Uint8Array.of(0, 97, 115, 109));
      expect(cachedCompile(key)).toEqual(Uint8Array.of(0, 97, 115, 109));
      expect(readdirSync(dir)).toEqual([`${key}.wasm`]);
      delete process.env.PIBINN_COMPILE_CACHE;
      expect(cachedCompile(key)).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.PIBINN_COMPILE_CACHE;
      else process.env.PIBINN_COMPILE_CACHE = saved;
    }
  });
});
