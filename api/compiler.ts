/**
 * The compiler's programmatic API, the package's 'pibinn/compiler' export (Node): what
 * `pibinn-compile` does, as functions, typed. The WebAssembly and MCU builds load the
 * AssemblyScript compiler and binaryen on first use (about 1 s and 150 MB), so loading, checking
 * and reporting stay light. Guide: docs/compiler-api.md.
 */
export { loadModel, loadModelFromText, type LoadedModel, type LoadOptions } from '../compiler/load/load-model.js';
export { readContainer } from '../compiler/container/read.js';
export { writeContainer } from '../compiler/container/write.js';
export { evaluate } from '../compiler/reference/evaluate.js';
export { relativeL2 } from '../compiler/reference/compare.js';
export { buildFootprint, type FootprintOptions, type FootprintReport } from '../compiler/report/footprint.js';
export { renderText } from '../compiler/report/render-text.js';
export { renderMarkdown } from '../compiler/report/render-markdown.js';
export { encodeNpy, parseNpy, type NpyArray } from '../compiler/io/npy.js';
export { formatDiagnostic, PibinnError, type Diagnostic } from '../core/diagnostics/diagnostic.js';
export type { IRModel } from '../core/ir.js';
export type { Artifacts } from '../codegen/artifacts.js';
export type { BuildOptions, Flavor } from '../codegen/build.js';
export type { McuLayout, McuTarget, McuTargetOptions } from '../codegen/mcu/build-mcu.js';
export type { McuMeasurement, MeasureOptions } from '../codegen/mcu/measure.js';
export type { McuFootprintRow } from '../compiler/report/mcu.js';

type Artifacts = typeof import('../codegen/artifacts.js');
type Mcu = typeof import('../codegen/mcu/build-mcu.js');
type Measure = typeof import('../codegen/mcu/measure.js');
type ReportRows = typeof import('../codegen/mcu/report-rows.js');

/**
 * Everything `pibinn-compile build` writes for a model, in memory: file name -> contents
 * (container, SIMD / scalar / threaded modules, `.mjs` loader and `.d.mts` typings, C header,
 * report JSON) and the footprint report with its runtime section.
 */
export async function buildArtifacts(...args: Parameters<Artifacts['buildArtifacts']>): ReturnType<Artifacts['buildArtifacts']> {
  return (await import('../codegen/artifacts.js')).buildArtifacts(...args);
}

/** The MCU target (`build --target mcu`): a folder of C for a bare-metal Cortex-M firmware. */
export async function buildMcuTarget(...args: Parameters<Mcu['buildMcuTarget']>): ReturnType<Mcu['buildMcuTarget']> {
  return (await import('../codegen/mcu/build-mcu.js')).buildMcuTarget(...args);
}

/** Flash, RAM and instructions per inference on emulated Cortex-M boards (`--measure`; needs QEMU and ARM GCC). */
export async function measureMcu(...args: Parameters<Measure['measureMcu']>): ReturnType<Measure['measureMcu']> {
  return (await import('../codegen/mcu/measure.js')).measureMcu(...args);
}

/** The report's MCU section from measureMcu's results: `{ ...buildFootprint(model), mcu: await mcuReportRows(measured) }`. */
export async function mcuReportRows(...args: Parameters<ReportRows['mcuReportRows']>): Promise<ReturnType<ReportRows['mcuReportRows']>> {
  return (await import('../codegen/mcu/report-rows.js')).mcuReportRows(...args);
}
