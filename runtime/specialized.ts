/**
 * Loads a specialized module, the `<name>.simd.wasm` / `<name>.scalar.wasm` pair codegen writes
 * for one model (docs/abi.md), with the same typed wrapper as containers.
 */
import type { PibinnModel } from './session.js';
import { wrapModule } from './session.js';
import { type BuildChoice, selectBuild } from './select-build.js';
import { readSource, type ByteSource } from './source.js';

export interface SpecializedSources {
  simd?: ByteSource;
  scalar?: ByteSource;
}

export interface SpecializedOptions {
  /** 'simd', 'scalar' or 'auto' (default: SIMD where the engine validates it and a SIMD build is given). */
  build?: BuildChoice;
  /** The model's name, for messages (default "specialized"). */
  name?: string;
}

export async function loadSpecialized(sources: SpecializedSources, options: SpecializedOptions = {}): Promise<PibinnModel> {
  const preferred = selectBuild(options.build);
  const build = options.build === undefined || options.build === 'auto' ? (sources[preferred] !== undefined ? preferred : 'scalar') : preferred;
  const source = sources[build];
  if (source === undefined) throw new TypeError(`no ${build} build given: pass sources.${build}`);
  const bytes = await readSource(source, `the ${build} module`);
  const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes), {});
  return wrapModule(instance.exports, options.name ?? 'specialized', 'specialized', build);
}
