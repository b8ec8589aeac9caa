/**
 * The AssemblyScript kernel sources (runtime-as/*.ts), read from disk once and handed to the
 * in-process compiler under the virtual directory `runtime/`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Virtual directory the kernels live in when compiling; generated sources import from it. */
export const RUNTIME_DIR = 'runtime';

// From codegen/ (sources run by vitest) or dist/codegen/ (compiled), runtime-as sits one or two levels up.
const CANDIDATES = ['../runtime-as/', '../../runtime-as/'];

let cached: ReadonlyMap<string, string> | undefined;

export function runtimeSources(): ReadonlyMap<string, string> {
  if (cached) return cached;
  const dir = CANDIDATES.map((c) => fileURLToPath(new URL(c, import.meta.url))).find((d) => existsSync(`${d}signed-sum.ts`));
  if (dir === undefined) throw new Error(`runtime-as sources not found next to ${fileURLToPath(import.meta.url)}`);
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.ts')) files.set(`${RUNTIME_DIR}/${name}`, readFileSync(`${dir}${name}`, 'utf8'));
  }
  cached = files;
  return files;
}
