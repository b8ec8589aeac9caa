/**
 * `npm run bench`: inference time per model and engine, in one run so ratios are fair.
 * Ours: the specialized SIMD and scalar WebAssembly builds, the generic .pibinn runtime, and on
 * two cores the threaded build (batch 1) and the batch split over two workers (batch 32).
 * Peers on the same network: plain-JS dense float32 loops; a dense int8 WebAssembly SIMD
 * implementation (peers/dense-int8.ts); ONNX Runtime Node (native, 1 and 2
 * threads) and ONNX Runtime Web (WebAssembly SIMD, 1 thread) on the dense-equivalent float32
 * graph and on the structure-aware one (peers/onnx-export.ts). Batch 1 and batch 32. Every
 * engine's outputs are checked against the float64 reference first. The machine's bounds
 * (bounds.ts) are measured in the same run. Progress goes to stderr; results to
 * bench/results/inference.{json,md} and the chart to docs/performance-latency.svg.
 *
 *   npm run bench [-- --quick]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildModelInMemory } from '../codegen/build.js';
import { selfTestTolerance } from '../codegen/emit-module.js';
import { wasmSectionSizes } from '../codegen/wasm-sections.js';
import { writeContainer } from '../compiler/container/write.js';
import type { IRModel } from '../core/ir.js';
import { relativeL2 } from '../compiler/reference/compare.js';
import { evaluate } from '../compiler/reference/evaluate.js';
import { mulberry32 } from '../compiler/util/seeded-random.js';
import { loadContainer, loadParallel, loadThreaded } from '../runtime/main-node.js';
import { measureBounds, type MachineBounds } from './bounds.js';
import { latencyChart } from './chart.js';
import { workPerInference } from '../compiler/plan/describe.js';
import { benchModels } from './models.js';
import { denseInt8Runner, denseInt8Bytes } from './peers/dense-int8.js';
import { denseJsRunner } from './peers/dense-js.js';
import { onnxWeightBytes, type OnnxGraphKind, writeOnnx } from './peers/onnx-export.js';
import { type OrtEngine, ortRunner } from './peers/onnx-runtime.js';
import { renderTables } from './report.js';
import { medianSeconds, type Timed } from './timing.js';
import { SPEC_RELATIVE_TOLERANCE as TOLERANCE } from '../core/constants.js';

export const BATCH = 32;
/** Inputs checked against the float64 reference per engine (the reference is slow on big models). */
const CHECKED = 2;
/** Dense-equivalent peers are skipped above these weight sizes (they would need GBs of RAM). */
const DENSE_JS_LIMIT_BYTES = 160e6;
const ORT_NODE_LIMIT_BYTES = 700e6;
const ORT_WEB_LIMIT_BYTES = 300e6;
const DENSE_INT8_LIMIT_BYTES = 1e9;
/** k of the bit-serial rows (BuildOptions.activationBits), run on the models BIT_SERIAL_MODELS names. */
export const BIT_SERIAL_BITS = 8;
const BIT_SERIAL_MODELS = /^(dense-n1024|block-diagonal-64-n4096)$/;

export interface BenchRow {
  model: string;
  n: number;
  structure: string;
  /** Structural nonzeros one inference visits (products with y shared by layers counted once). */
  nnzPerInference: number;
  /** Weight of each kernel in that work, by SIMD kernel name. */
  nnzByKernel: Record<string, number>;
  kernels: { matrix: string; simd: string; scalar: string }[];
  /** Seconds per inference (b1) or per input (b32); null = skipped (see skipped). */
  seconds: Record<string, number | null>;
  skipped: Record<string, string>;
  maxRelativeError: Record<string, number>;
  bytes: { simdWasm: number; simdCode: number; scalarWasm: number; scalarCode: number; container: number; onnxDense: number; onnxStructured: number | null };
}

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const log = (message: string): boolean => process.stderr.write(`${message}\n`);

type Exports = { memory: WebAssembly.Memory; infer(): void; infer_batch(n: number): number; input_ptr(): number; output_ptr(): number; max_batch(): number };

async function benchModel(model: IRModel, onnxDir: string): Promise<BenchRow> {
  const random = mulberry32(7);
  const inputs = Float32Array.from({ length: BATCH * model.input.size }, () => random() * 2 - 1);
  const first = inputs.subarray(0, model.input.size);
  const input = (b: number) => inputs.subarray(b * model.input.size, (b + 1) * model.input.size);
  log('  reference');
  const reference = Array.from({ length: CHECKED }, (_, b) => evaluate(model, input(b)));
  const errorOf = (out: Float32Array) => Math.max(...reference.map((ref, b) => relativeL2(out.subarray(b * model.output.size, (b + 1) * model.output.size), ref)));
  log('  building');
  const built = await buildModelInMemory(model, { maxBatch: BATCH, threads: true });
  const container = writeContainer(model);
  const engines: Timed[] = [];
  const errors: Record<string, number> = {};
  const skipped: Record<string, string> = {};
  const perCall: Record<string, number> = {};
  for (const flavor of ['simd', 'scalar'] as const) {
    const specialized = (await WebAssembly.instantiate(built.wasm[flavor]!, {})).instance.exports as unknown as Exports;
    const generic = (await loadContainer(container, { build: flavor })).exports as unknown as Exports;
    for (const [name, ex] of [[flavor, specialized], [`generic-${flavor}`, generic]] as const) {
      // Big models get fewer batch slots (4 MiB of batch buffers); their "b32" runs max_batch() inputs per call.
      const batch = Math.min(BATCH, ex.max_batch());
      perCall[`${name} b${BATCH}`] = batch;
      new Float32Array(ex.memory.buffer, ex.input_ptr(), batch * model.input.size).set(inputs.subarray(0, batch * model.input.size));
      ex.infer_batch(batch);
      errors[name] = errorOf(new Float32Array(ex.memory.buffer, ex.output_ptr(), CHECKED * model.output.size));
      engines.push({ name: `${name} b1`, run: () => ex.infer() }, { name: `${name} b${BATCH}`, run: () => ex.infer_batch(batch) });
    }
  }
  const denseBytes = onnxWeightBytes(model, 'dense');
  if (denseBytes <= DENSE_JS_LIMIT_BYTES) {
    const js = denseJsRunner(model);
    errors['js-dense-f32'] = errorOf(concat(Array.from({ length: CHECKED }, (_, b) => js(input(b)))));
    engines.push({ name: 'js-dense-f32 b1', run: () => js(first) });
  } else {
    skipped['js-dense-f32'] = `dense-equivalent weights ${(denseBytes / 1e9).toFixed(1)} GB`;
  }
  const int8Bytes = denseInt8Bytes(model);
  if (int8Bytes <= DENSE_INT8_LIMIT_BYTES) {
    const int8 = await denseInt8Runner(model);
    errors['wasm-int8-dense'] = errorOf(concat(Array.from({ length: CHECKED }, (_, b) => int8(input(b)))));
    engines.push({ name: 'wasm-int8-dense b1', run: () => int8(first) });
  } else {
    skipped['wasm-int8-dense'] = `dense-equivalent int8 weights ${(int8Bytes / 1e9).toFixed(1)} GB`;
  }
  const hasBlocks = [...model.matrices.values()].some((m) => m.structure.kind === 'block-diagonal');
  const graphs: OnnxGraphKind[] = hasBlocks ? ['dense', 'structured'] : ['dense'];
  const onnxBytes: Record<string, number> = {};
  const releases: (() => Promise<void>)[] = [];
  // Multi-core options: the SIMD build on 2 workers, the batch split in two (runtime/parallel.ts);
  // the threaded build, each batch-1 product's rows split with a helper thread (runtime/threaded.ts).
  const parallel = await loadParallel({ specialized: { simd: built.wasm.simd! } }, { workers: 2, build: 'simd' });
  releases.push(() => parallel.close());
  errors['simd-2w'] = errorOf(await parallel.inferBatch(inputs.subarray(0, CHECKED * model.input.size), CHECKED));
  engines.push({ name: `simd-2w b${BATCH}`, run: () => parallel.inferBatch(inputs, BATCH) });
  const threaded = await loadThreaded(built.wasm.threads!, { name: model.name });
  releases.push(() => threaded.close());
  errors['simd-2t'] = errorOf(concat(Array.from({ length: CHECKED }, (_, b) => threaded.infer(input(b)))));
  // Timed like the other builds: the raw export, the input already in linear memory.
  const raw = threaded.exports as unknown as Exports;
  new Float32Array(raw.memory.buffer, raw.input_ptr(), model.input.size).set(first);
  engines.push({ name: 'simd-2t b1', run: () => raw.infer() });
  for (const graph of graphs) {
    const weightBytes = onnxWeightBytes(model, graph);
    const path = join(onnxDir, `${model.name}.${graph}.onnx`);
    if (weightBytes > ORT_NODE_LIMIT_BYTES) {
      skipped[`ort ${graph}`] = `${(weightBytes / 1e9).toFixed(1)} GB of float32 weights`;
      continue;
    }
    log(`  exporting the ${graph} ONNX graph`);
    onnxBytes[graph] = writeOnnx(model, graph, path);
    for (const engine of ['ort-node-1t', 'ort-node-2t', 'ort-web-simd'] as OrtEngine[]) {
      if (engine === 'ort-web-simd' && weightBytes > ORT_WEB_LIMIT_BYTES) {
        skipped[`${engine} ${graph}`] = `${(weightBytes / 1e6).toFixed(0)} MB of weights in one WebAssembly memory`;
        continue;
      }
      log(`  loading ${engine} ${graph}`);
      const runner = await ortRunner(engine, path, model.input.size);
      releases.push(() => runner.release());
      errors[`${engine} ${graph}`] = errorOf(await runner.run(inputs.subarray(0, CHECKED * model.input.size), CHECKED));
      engines.push({ name: `${engine} ${graph} b1`, run: () => runner.run(first, 1) });
      engines.push({ name: `${engine} ${graph} b${BATCH}`, run: () => runner.run(inputs, BATCH) });
    }
    rmSync(path, { force: true });
  }
  if (BIT_SERIAL_MODELS.test(model.name)) {
    log(`  building with ${BIT_SERIAL_BITS}-bit activations`);
    const quantized = await buildModelInMemory(model, { maxBatch: BATCH, activationBits: BIT_SERIAL_BITS });
    for (const flavor of ['simd', 'scalar'] as const) {
      const ex = (await WebAssembly.instantiate(quantized.wasm[flavor]!, {})).instance.exports as unknown as Exports;
      const name = `bit-serial-k${BIT_SERIAL_BITS}-${flavor}`;
      new Float32Array(ex.memory.buffer, ex.input_ptr(), CHECKED * model.input.size).set(inputs.subarray(0, CHECKED * model.input.size));
      ex.infer_batch(CHECKED);
      errors[name] = errorOf(new Float32Array(ex.memory.buffer, ex.output_ptr(), CHECKED * model.output.size));
      engines.push({ name: `${name} b1`, run: () => ex.infer() });
    }
  }
  log(`  timing ${engines.length} engines`);
  const measured = await medianSeconds(engines);
  for (const release of releases) await release();
  const seconds: Record<string, number | null> = {};
  for (const { name } of engines) seconds[name] = name.endsWith(`b${BATCH}`) ? measured.get(name)! / (perCall[name] ?? BATCH) : measured.get(name)!;
  for (const [engine, error] of Object.entries(errors)) {
    // k-bit builds and the int8 peer (8-bit activations) are checked against the k-bit tolerance.
    const tolerance = engine.startsWith('bit-serial') ? selfTestTolerance(BIT_SERIAL_BITS) : engine === 'wasm-int8-dense' ? selfTestTolerance(8) : TOLERANCE;
    if (!(error <= tolerance)) log(`warning: ${model.name} ${engine}: relative error ${error} exceeds ${tolerance}`);
  }
  const work = workPerInference(built.plan);
  const simd = wasmSectionSizes(built.wasm.simd!);
  const scalar = wasmSectionSizes(built.wasm.scalar!);
  return {
    model: model.name,
    n: model.state,
    structure: [...new Set(model.matrices.map((m) => m.structure.kind))].join('+'),
    nnzPerInference: work.nnz,
    nnzByKernel: work.byKernel,
    kernels: built.plan.matrices.map((m) => ({ matrix: m.matrix.id, simd: m.kernel.simd, scalar: m.kernel.scalar })),
    seconds,
    skipped,
    maxRelativeError: errors,
    bytes: {
      simdWasm: built.wasm.simd!.length,
      simdCode: simd.codeBytes,
      scalarWasm: built.wasm.scalar!.length,
      scalarCode: scalar.codeBytes,
      container: container.length,
      onnxDense: onnxBytes.dense ?? denseBytes,
      onnxStructured: hasBlocks ? onnxBytes.structured ?? onnxWeightBytes(model, 'structured') : null,
    },
  };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

log('measuring the machine bounds');
const bounds: MachineBounds = await measureBounds();
const models = benchModels(values.quick);
const onnxDir = mkdtempSync(join(tmpdir(), 'pibinn-bench-'));
const rows: BenchRow[] = [];
try {
  for (const [i, model] of models.entries()) {
    log(`[${i + 1}/${models.length}] ${model.name}`);
    rows.push(await benchModel(model, onnxDir));
  }
} finally {
  rmSync(onnxDir, { recursive: true, force: true });
}
mkdirSync('bench/results', { recursive: true });
const result = { date: new Date().toISOString(), node: process.version, batch: BATCH, tolerance: TOLERANCE, bounds, rows };
writeFileSync('bench/results/inference.json', `${JSON.stringify(result, null, 2)}\n`);
const md = renderTables(result);
writeFileSync('bench/results/inference.md', md);
writeFileSync('docs/performance-latency.svg', latencyChart(rows));
process.stdout.write(md);
