/**
 * Node helpers of the embedding API ('pibinn/node'): everything of the main export (with Node's
 * worker_threads and file system installed, host-node.ts), plus loading containers and
 * specialized modules from files with the container's footprint report
 * (compiler/report/footprint.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readContainer } from '../compiler/container/read.js';
import { buildFootprint, type FootprintReport } from '../compiler/report/footprint.js';
import { PibinnError } from '../core/diagnostics/diagnostic.js';
import { type ContainerOptions, loadContainer } from './generic.js';
import './host-node.js';
import type { PibinnModel } from './session.js';
import { loadSpecialized, type SpecializedOptions } from './specialized.js';

export * from './index.js';
export type { FootprintReport } from '../compiler/report/footprint.js';

export interface ContainerModel extends PibinnModel {
  /** The footprint report of the container's model (storage, memory, per-layer costs). */
  readonly footprint: FootprintReport;
}

/** Loads a .pibinn file into the generic runtime, with its footprint report. */
export async function loadContainerFile(path: string, options: Omit<ContainerOptions, 'file'> = {}): Promise<ContainerModel> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw unreadable(path, error);
  });
  const model = await loadContainer(bytes, { ...options, file: path });
  // The runtime verified the bytes already; readContainer verifies again in TypeScript to build the IR.
  return { ...model, footprint: buildFootprint(readContainer(bytes, path)) };
}

/**
 * Loads `<dir>/<name>.simd.wasm` or `<dir>/<name>.scalar.wasm` (whichever exist, SIMD preferred
 * where supported). Only a missing file counts as a build not built: any other read error (a
 * directory, no permission) is thrown, not taken as a reason to fall back to the other build.
 */
export async function loadSpecializedFiles(dir: string, name: string, options: Omit<SpecializedOptions, 'name'> = {}): Promise<PibinnModel> {
  const read = async (build: 'simd' | 'scalar') => {
    const path = join(dir, `${name}.${build}.wasm`);
    return readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw unreadable(path, error);
    });
  };
  const [simd, scalar] = await Promise.all([read('simd'), read('scalar')]);
  if (simd === undefined && scalar === undefined) {
    throw new PibinnError({
      code: 'PB002', severity: 'error', file: join(dir, `${name}.{simd,scalar}.wasm`), message: 'no build of the model found',
      fix: `build it with pibinn-compile build (its --out-dir is ${dir}), or check the name "${name}"`,
    });
  }
  return loadSpecialized({ simd, scalar }, { ...options, name });
}

function unreadable(path: string, error: NodeJS.ErrnoException): PibinnError {
  return new PibinnError({ code: 'PB002', severity: 'error', file: path, message: `cannot read the file (${error.code ?? error.message})`, fix: 'check the path and its permissions' });
}
