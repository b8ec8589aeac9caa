/**
 * An optional on-disk cache of AssemblyScript compilations, keyed on everything that determines
 * the output (the compiler's version, every source, the entry, the flags): set
 * PIBINN_COMPILE_CACHE to a directory to use it. The test suite sets it, so the kernel library
 * and each model compile once per run (and once ever, until a source changes); the compiler
 * leaves it off unless asked.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function compileCacheKey(version: string, files: ReadonlyMap<string, string>, argv: readonly string[]): string {
  const hash = createHash('sha256').update(version).update('\0').update(argv.join('\0'));
  for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update('\0').update(path).update('\0').update(text);
  return hash.digest('hex');
}

function directory(): string | undefined {
  return process.env.PIBINN_COMPILE_CACHE || undefined;
}

export function cachedCompile(key: string): Uint8Array<ArrayBuffer> | undefined {
  const dir = directory();
  if (dir === undefined) return undefined;
  try {
    return new Uint8Array(readFileSync(join(dir, `${key}.wasm`)));
  } catch {
    return undefined; // absent (or unreadable): compile
  }
}

/** Stores atomically (write, then rename), so concurrent test workers never read half a file. */
export function storeCompile(key: string, bytes: Uint8Array): void {
  const dir = directory();
  if (dir === undefined) return;
  mkdirSync(dir, { recursive: true });
  const partial = join(dir, `${key}.${process.pid}.partial`);
  writeFileSync(partial, bytes);
  renameSync(partial, join(dir, `${key}.wasm`));
}
