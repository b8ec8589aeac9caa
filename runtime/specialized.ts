/**
 * Loads a specialized module, the `<name>.simd.wasm` / `<name>.scalar.wasm` pair codegen writes
 * for one model (docs/abi.md), with the same typed wrapper as containers.
 */
import type { Build, PibinnModel } from './session.js';
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

/** The build to load: the one asked for, or under 'auto' the engine's preferred build when given, else scalar. */
export function specializedBuild(sources: SpecializedSources, choice?: BuildChoice): Build {
  const preferred = selectBuild(choice);
  return choice === undefined || choice === 'auto' ? (sources[preferred] !== undefined ? preferred : 'scalar') : preferred;
}

export async function loadSpecialized(sources: SpecializedSources, options: SpecializedOptions = {}): Promise<PibinnModel> {
  const build = specializedBuild(sources, options.build);
  const source = sources[build];
  if (source === undefined) throw new TypeError(`no ${build} build given: pass sources.${build}`);
  const bytes = await readSource(source, `the ${build} module`);
  const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes), {});
  return wrapModule(instance.exports, options.name ?? 'specialized', 'specialized', build);
}
