/**
 * Everything `pibinn-compile build` writes for one model, produced in memory first so that a
 * failure leaves no partial output: the container, both WebAssembly flavours (and the threaded
 * build when asked for), the ES module loader (`.mjs`) and its typings, the C header, and the
 * footprint report with its runtime section (JSON and an HTML page).
 */
import { writeContainer } from '../compiler/container/write.js';
import type { IRModel } from '../core/ir.js';
import { buildFootprint, type FootprintOptions, type FootprintReport } from '../compiler/report/footprint.js';
import { provenanceOf } from '../compiler/report/provenance.js';
import { renderHtml } from '../compiler/report/render-html.js';
import { measureActivationError } from './activation-error.js';
import { buildModelInMemory, type BuildOptions } from './build.js';
import { loaderFile, loaderTypesFile } from './emit-loader.js';
import { runtimeFootprint } from './runtime-footprint.js';

export interface Artifacts {
  /** File name -> contents, in the order they are listed to the user. */
  readonly files: ReadonlyMap<string, Uint8Array | string>;
  readonly report: FootprintReport;
}

export async function buildArtifacts(model: IRModel, options: Omit<BuildOptions, 'outDir'> = {}, footprint: FootprintOptions = {}): Promise<Artifacts> {
  const built = await buildModelInMemory(model, options);
  const bits = options.activationBits;
  const wasm = built.wasm.simd ?? built.wasm.scalar!;
  const activations = bits === undefined ? null : await measureActivationError(model, wasm, bits);
  const container = writeContainer(model);
  const provenance = provenanceOf(model, { container });
  const report: FootprintReport = { ...buildFootprint(model, { ...footprint, provenance }), runtime: { ...runtimeFootprint(built), activations } };
  const files = new Map<string, Uint8Array | string>();
  files.set(`${model.name}.pibinn`, container);
  if (built.wasm.simd) files.set(`${model.name}.simd.wasm`, built.wasm.simd);
  if (built.wasm.scalar) files.set(`${model.name}.scalar.wasm`, built.wasm.scalar);
  if (built.wasm.threads) files.set(`${model.name}.threads.wasm`, built.wasm.threads);
  files.set(loaderFile(model.name), built.loader);
  files.set(loaderTypesFile(model.name), built.types);
  files.set(`${model.name}.h`, built.header);
  files.set(`${model.name}.report.json`, `${JSON.stringify(report, null, 2)}\n`);
  files.set(`${model.name}.report.html`, renderHtml(report));
  return { files, report };
}
