/**
 * Builds the specialized WebAssembly modules of one model: plan memory, emit AssemblyScript,
 * compile each flavour in-process, embed the constant region, optimize + validate, run the
 * embedded self-test in this process's engine, and emit the ESM loader, its typings and the
 * C header. Deterministic: the same model and options give byte-identical files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../core/diagnostics/diagnostic.js';
import { FLAVORS, type Flavor } from '../core/flavor.js';
import type { IRModel } from '../core/ir.js';
import type { ExecutionPlan } from '../core/plan.js';
import { planModel } from '../compiler/plan/plan-model.js';
import { compileAssemblyScript, threadFlags } from './compile-as.js';
import { embedConstants } from './embed-constants.js';
import { emitHeader } from './emit-header.js';
import { emitLoader, emitLoaderTypes, loaderFile, loaderTypesFile } from './emit-loader.js';
import { emitModuleSource } from './emit-module.js';
import { type MemoryLayout, planMemory } from './layout.js';
import { runtimeSources } from './runtime-sources.js';
import { selfTestVectors } from './self-test-vectors.js';

export type { MemoryLayout, LayoutBuffer } from './layout.js';
export type { Flavor } from '../core/flavor.js';

export interface BuildOptions {
  outDir: string;
  builds?: Flavor[];
  /** Input vectors per `infer_batch` call (default: up to 64, within 4 MiB of batch buffers). */
  maxBatch?: number;
  /**
   * k in [2, 16]: quantize the input of every dense and block-diagonal product to k bits and run
   * it bit-serially (runtime-as/bit-serial.ts); the self-test tolerance then grows with 2^-k
   * (emit-module.ts selfTestTolerance). Undefined: float32 activations.
   */
  activationBits?: number;
  /**
   * Also build `<name>.threads.wasm`: the SIMD build over an imported shared memory, whose batch-1
   * products a helper thread splits with the main thread (runtime-as/threads.ts; run it with
   * runtime/threaded.ts's loadThreaded).
   */
  threads?: boolean;
  /** Called as each module starts a step, for progress display. */
  onProgress?: (step: BuildStep) => void;
}

/** One step of one module's build: compile (AssemblyScript), optimize (embed constants, binaryen), self-test. */
export interface BuildStep {
  readonly module: ModuleKind;
  readonly step: 'compile' | 'optimize' | 'self-test';
  /** 1-based position of the module among `total`. */
  readonly index: number;
  readonly total: number;
}

/** The module files a build can produce: the two flavours and the threaded SIMD build. */
export type ModuleKind = Flavor | 'threads';

export interface BuildResult {
  files: { [K in ModuleKind]?: string } & { loader: string; types: string; header: string };
  layout: MemoryLayout;
  wasmBytes: { [K in ModuleKind]?: number };
  /** Wall-clock milliseconds per module: compile, embed, optimize, validate, self-test. */
  buildMs: { [K in ModuleKind]?: number };
}

/** Everything a build produces, in memory. */
export interface BuiltModule {
  wasm: { [K in ModuleKind]?: Uint8Array<ArrayBuffer> };
  loader: string;
  types: string;
  header: string;
  /** The generated AssemblyScript, for inspection (the unthreaded source). */
  source: string;
  /** The execution plan every module of this build runs. */
  plan: ExecutionPlan;
  layout: MemoryLayout;
  buildMs: { [K in ModuleKind]?: number };
}

const WASM_PAGE = 65536;
/** The generic runtime's limit on MAX_BATCH (runtime-as/generic/options.ts). */
const MAX_BATCH_LIMIT = 65536;
const STATIC_DATA_ROOM = 65536;

export async function buildModelInMemory(model: IRModel, options: Omit<BuildOptions, 'outDir'> = {}): Promise<BuiltModule> {
  const flavors = FLAVORS.filter((f) => (options.builds ?? FLAVORS).includes(f));
  const { maxBatch } = options;
  if (maxBatch !== undefined && !(Number.isInteger(maxBatch) && maxBatch >= 1 && maxBatch <= MAX_BATCH_LIMIT)) {
    fail({ code: 'PB001', file: model.name, message: `maxBatch must be an integer from 1 to ${MAX_BATCH_LIMIT}`, found: String(maxBatch) });
  }
  const { activationBits } = options;
  if (activationBits !== undefined && !(Number.isInteger(activationBits) && activationBits >= 2 && activationBits <= 16)) {
    fail({ code: 'PB001', file: model.name, message: 'activationBits must be an integer from 2 to 16', expected: '2..16', found: String(activationBits) });
  }
  // The threaded build is a SIMD build: plan the SIMD flavour for it even when only scalar is asked for.
  const planned = options.threads && !flavors.includes('simd') ? [...flavors, 'simd' as const] : flavors;
  const plan = planModel(model, { flavors: planned, maxBatch, activationBits });
  const memory = planMemory(plan, selfTestVectors(model), model.name, { threads: options.threads });
  const source = emitModuleSource(plan, memory);
  const files = new Map(runtimeSources());
  files.set('module.ts', source);
  const flags = ['--memoryBase', String(memory.layout.memoryBase)];

  const wasm: BuiltModule['wasm'] = {};
  const buildMs: BuiltModule['buildMs'] = {};
  let memoryPages = 0;
  const total = flavors.length + (options.threads ? 1 : 0);
  const progress = (module: ModuleKind, index: number) => (step: BuildStep['step']) => options.onProgress?.({ module, step, index, total });
  for (const [i, flavor] of flavors.entries()) {
    const started = performance.now();
    const file = `${model.name}.${flavor}.wasm`;
    const step = progress(flavor, i + 1);
    step('compile');
    const compiled = await compileAssemblyScript(files, 'module.ts', flavor, flags, file);
    step('optimize');
    const { bytes, memoryPages: pages } = embedConstants(compiled, memory.constants, memory.layout.constantsOffset, flavor, file);
    step('self-test');
    await checkSelfTest(bytes, file);
    memoryPages = Math.max(memoryPages, pages);
    wasm[flavor] = bytes;
    buildMs[flavor] = performance.now() - started;
  }
  if (options.threads) {
    const started = performance.now();
    const file = `${model.name}.threads.wasm`;
    const threaded = new Map(files).set('module.ts', emitModuleSource(plan, memory, true));
    // A shared memory has a fixed size: the other builds' (same layout, same static data), or
    // the layout plus room for the compiler's small static data.
    const pages = memoryPages > 0 ? memoryPages : Math.ceil((memory.layout.memoryBase + STATIC_DATA_ROOM) / WASM_PAGE);
    memoryPages = pages;
    const step = progress('threads', total);
    step('compile');
    const compiled = await compileAssemblyScript(threaded, 'module.ts', 'simd', [...flags, ...threadFlags(pages)], file);
    step('optimize');
    const { bytes } = embedConstants(compiled, memory.constants, memory.layout.constantsOffset, 'simd', file, true);
    step('self-test');
    await checkSelfTest(bytes, file, { env: { memory: new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }) } });
    wasm.threads = bytes;
    buildMs.threads = performance.now() - started;
  }
  const layout: MemoryLayout = { ...memory.layout, memoryPages };
  return {
    wasm,
    loader: emitLoader(model, layout),
    types: emitLoaderTypes(model, layout),
    header: emitHeader(model, layout),
    source,
    plan,
    layout,
    buildMs,
  };
}

export async function buildModel(model: IRModel, options: BuildOptions): Promise<BuildResult> {
  const built = await buildModelInMemory(model, options);
  await mkdir(options.outDir, { recursive: true });
  const path = (suffix: string): string => join(options.outDir, `${model.name}${suffix}`);
  const files: BuildResult['files'] = { loader: join(options.outDir, loaderFile(model.name)), types: join(options.outDir, loaderTypesFile(model.name)), header: path('.h') };
  const wasmBytes: BuildResult['wasmBytes'] = {};
  for (const kind of [...FLAVORS, 'threads'] as const) {
    const bytes = built.wasm[kind];
    if (bytes === undefined) continue;
    files[kind] = path(`.${kind}.wasm`);
    wasmBytes[kind] = bytes.length;
    await writeOutput(files[kind]!, bytes);
  }
  await writeOutput(files.loader, built.loader);
  await writeOutput(files.types, built.types);
  await writeOutput(files.header, built.header);
  return { files, layout: built.layout, wasmBytes, buildMs: built.buildMs };
}

async function writeOutput(path: string, contents: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, contents);
  } catch (error) {
    fail({ code: 'PB003', file: path, message: `cannot write: ${(error as Error).message}`, fix: 'check that the output directory is writable' });
  }
}

/** A build is only returned if its embedded test vectors pass in this engine (with `imports`, if it has any). */
export async function checkSelfTest(bytes: Uint8Array<ArrayBuffer>, file: string, imports: WebAssembly.Imports = {}): Promise<void> {
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes), imports);
  const failures = (instance.exports.self_test as () => number)();
  if (failures !== 0) {
    fail({
      code: 'PB603',
      file,
      message: `${failures} embedded test vector(s) disagree with the float64 reference beyond tolerance`,
      fix: 'this is a code generator bug (or a hard threshold decided within float32 rounding of theta); report it with the model',
    });
  }
}
