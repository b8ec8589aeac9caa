/**
 * Node helpers of the embedding API ('pibinn/node'): load containers and specialized modules
 * from files, and attach the container's footprint report (compiler/report/footprint.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readContainer } from '../compiler/container/read.js';
import { buildFootprint, type FootprintReport } from '../compiler/report/footprint.js';
import { type ContainerOptions, loadContainer } from './generic.js';
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
  const bytes = await readFile(path);
  const model = await loadContainer(bytes, { ...options, file: path });
  // The runtime verified the bytes already; readContainer verifies again in TypeScript to build the IR.
  return { ...model, footprint: buildFootprint(readContainer(bytes, path)) };
}

/** Loads `<dir>/<name>.simd.wasm` or `<dir>/<name>.scalar.wasm` (whichever exist, SIMD preferred where supported). */
export async function loadSpecializedFiles(dir: string, name: string, options: Omit<SpecializedOptions, 'name'> = {}): Promise<PibinnModel> {
  const read = async (build: 'simd' | 'scalar') => readFile(join(dir, `${name}.${build}.wasm`)).catch(() => undefined);
  const [simd, scalar] = await Promise.all([read('simd'), read('scalar')]);
  return loadSpecialized({ simd, scalar }, { ...options, name });
}
