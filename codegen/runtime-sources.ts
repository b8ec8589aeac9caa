/**
 * The AssemblyScript sources every module is compiled from: the kernels and the generic runtime
 * (runtime-as/**) and the structure kinds' AssemblyScript parts (kinds/**\/*.as.ts), read from
 * disk once and handed to the in-process compiler under their repository paths, so the relative
 * imports between them resolve in memory as they do on disk.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Virtual directory of the kernels; generated sources at the root import `./runtime-as/...`. */
export const RUNTIME_DIR = 'runtime-as';
/** Virtual directory of the structure kinds; generated sources import `./kinds/<kind>/kernel.as`. */
export const KINDS_DIR = 'kinds';

// From codegen/ (sources run by vitest) or dist/codegen/ (compiled), the sources sit one or two levels up.
const CANDIDATES = ['../', '../../'];

let cached: ReadonlyMap<string, string> | undefined;

export function runtimeSources(): ReadonlyMap<string, string> {
  if (cached) return cached;
  const root = CANDIDATES.map((c) => fileURLToPath(new URL(c, import.meta.url))).find((d) => existsSync(`${d}${RUNTIME_DIR}/signed-sum.ts`));
  if (root === undefined) throw new Error(`${RUNTIME_DIR} sources not found next to ${fileURLToPath(import.meta.url)}`);
  const files = new Map<string, string>();
  const walk = (dir: string, keep: (name: string) => boolean): void => {
    for (const entry of readdirSync(`${root}${dir}`, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(path, keep);
      else if (keep(entry.name)) files.set(path, readFileSync(`${root}${path}`, 'utf8'));
    }
  };
  walk(RUNTIME_DIR, (name) => name.endsWith('.ts'));
  walk(KINDS_DIR, (name) => name.endsWith('.as.ts'));
  cached = files;
  return files;
}
