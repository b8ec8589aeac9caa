/**
 * In-process AssemblyScript compilation over an in-memory file system, then binaryen
 * validation. One source compiles to two flavours: `simd` (v128 paths) and `scalar`
 * (ASC_FEATURE_SIMD false, so not a single SIMD opcode).
 */
import asc from 'assemblyscript/asc';
import binaryen from 'binaryen';
import { posix } from 'node:path';
import { fail } from '../core/diagnostics/diagnostic.js';
import { cachedCompile, compileCacheKey, storeCompile } from './compile-cache.js';

import type { Flavor } from '../core/flavor.js';

export type { Flavor } from '../core/flavor.js';

/** Smallest runtime, no `env.abort` import: the modules import nothing at all. */
const BASE_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort='];

/** binaryen feature set of each flavour (plus atomics for threaded builds); AS emits no target_features section, so it must be set. */
export function flavorFeatures(flavor: Flavor, threads = false): binaryen.Features {
  const mvpPlus = binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt
    | binaryen.Features.SignExt | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt;
  const features = flavor === 'simd' ? mvpPlus | binaryen.Features.SIMD128 : mvpPlus;
  return threads ? features | binaryen.Features.Atomics : features;
}

/**
 * asc flags of a threaded build (runtime-as/threads.ts): atomics, and a shared memory of a fixed
 * `pages` imported as env.memory, so the main thread and the helper instantiate over one memory.
 */
export function threadFlags(pages: number): string[] {
  return ['--enable', 'threads', '--importMemory', '--sharedMemory', '--initialMemory', String(pages), '--maximumMemory', String(pages)];
}

/**
 * Compiles `entry` from `files` (virtual paths, e.g. `runtime/matvec.ts`) and returns the wasm
 * bytes. `file` names the model or source for diagnostics.
 */
export async function compileAssemblyScript(
  files: ReadonlyMap<string, string>,
  entry: string,
  flavor: Flavor,
  extraFlags: readonly string[],
  file: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const argv = [entry, '-o', 'out.wasm', ...BASE_FLAGS, ...(flavor === 'simd' ? ['--enable', 'simd'] : []), ...extraFlags];
  const key = compileCacheKey(asc.version, files, argv);
  const cached = cachedCompile(key);
  if (cached !== undefined) return cached;
  const outputs = new Map<string, Uint8Array | string>();
  const { error, stderr } = await asc.main(argv, {
    readFile: (name: string, baseDir: string) => files.get(posix.normalize(posix.join(baseDir, name))) ?? null,
    writeFile: (name: string, contents: Uint8Array | string) => void outputs.set(name, contents),
    listFiles: () => [],
  });
  const wasm = outputs.get('out.wasm');
  if (error || !(wasm instanceof Uint8Array)) {
    fail({
      code: 'PB601',
      file,
      message: `AssemblyScript (${flavor}) failed on ${entry}: ${error?.message ?? 'no output'}\n${stderr.toString()}`,
      fix: 'this is a code generator bug; report it with the model',
    });
  }
  storeCompile(key, wasm);
  return new Uint8Array(wasm);
}

/** Validates `bytes` with exactly the flavour's features; throws PB602 naming what failed. */
export function validateWasm(bytes: Uint8Array, flavor: Flavor, file: string): void {
  const module = binaryen.readBinary(bytes);
  try {
    module.setFeatures(flavorFeatures(flavor));
    if (!module.validate()) {
      fail({ code: 'PB602', file, message: `the ${flavor} module does not validate with features ${flavor === 'simd' ? 'MVP + SIMD' : 'MVP (no SIMD)'}` });
    }
  } finally {
    module.dispose();
  }
}
