/**
 * `npm run bench`: inference time per model and engine, in one run so ratios are fair.
 * Engines: our specialized SIMD and scalar WebAssembly builds and the generic .pibinn runtime
 * (batch 1 and batch 32), and a plain-JS dense float32 implementation of the same network (what
 * a web developer writes without pibinn). Every engine's output is checked against the float64 reference first.
 * Models: the shipped examples and synthetic LISTA networks (K = 10, untied W_k, shared B).
 * Writes bench/results/inference.json and inference.md.
 *
 *   npm run bench [-- --quick]
 */
import { mkdirSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildModelInMemory } from '../codegen/build.js';
import { writeContainer } from '../compiler/container/write.js';
import type { IRModel } from '../compiler/ir/types.js';
import { loadModel } from '../compiler/load/load-model.js';
import { relativeL2 } from '../compiler/reference/compare.js';
import { evaluate } from '../compiler/reference/evaluate.js';
import { mulberry32 } from '../compiler/util/seeded-random.js';
import { loadContainer } from '../runtime/index.js';
import { denseJsRunner } from './peers/dense-js.js';
import { syntheticModel, type SyntheticSpec } from './synthetic-models.js';
import { medianSeconds, type Timed } from './timing.js';

const BATCH = 32;
/** The dense JS peer is skipped above this many dense-equivalent weights (it would need GBs). */
const DENSE_PEER_LIMIT = 40e6;
const TOLERANCE = 1e-5;

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const SYNTHETIC: SyntheticSpec[] = values.quick
  ? [{ kind: 'dense', n: 256 }, { kind: 'block-diagonal', n: 1024, block: 64 }]
  : [
      { kind: 'dense', n: 256 },
      { kind: 'dense', n: 1024 },
      { kind: 'block-diagonal', n: 1024, block: 64 },
      { kind: 'block-diagonal', n: 4096, block: 64 },
      { kind: 'banded', n: 4096, block: 8 },
    ];

interface Row {
  model: string;
  nnzPerInference: number;
  denseWeights: number;
  /** Seconds per inference (batch 1) or per input (batch 32). */
  seconds: Record<string, number | null>;
  maxRelativeError: Record<string, number>;
}

function shippedExamples(): IRModel[] {
  return readdirSync('examples', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join('examples', d.name, 'model.json')))
    .map((d) => loadModel(join('examples', d.name, 'model.json')).model);
}

/** Entries visited per inference: each layer's terms and residual, plus the readout. */
function workPerInference(model: IRModel): { nnz: number; dense: number } {
  let nnz = 0;
  let dense = 0;
  const add = (id: string) => {
    const m = model.matrices.get(id)!;
    nnz += m.nnz;
    dense += m.rows * m.cols;
  };
  for (const layer of model.layers) {
    layer.terms.forEach((t) => add(t.matrix));
    if (layer.residual !== undefined) add(layer.residual);
  }
  if (model.readout !== undefined) add(model.readout);
  return { nnz, dense };
}

type Exports = { memory: WebAssembly.Memory; infer(): void; infer_batch(n: number): number; input_ptr(): number; output_ptr(): number; max_batch(): number };

async function benchModel(model: IRModel): Promise<Row> {
  const random = mulberry32(7);
  const inputs = Float32Array.from({ length: BATCH * model.input.size }, () => random() * 2 - 1);
  const first = inputs.subarray(0, model.input.size);
  const reference = Array.from({ length: BATCH }, (_, b) => evaluate(model, inputs.subarray(b * model.input.size, (b + 1) * model.input.size)));
  const built = await buildModelInMemory(model, { maxBatch: BATCH });
  const container = writeContainer(model);
  const engines: Timed[] = [];
  const errors: Record<string, number> = {};
  const modules: [string, Exports][] = [];
  for (const flavor of ['simd', 'scalar'] as const) {
    modules.push([flavor, (await WebAssembly.instantiate(built.wasm[flavor]!, {})).instance.exports as unknown as Exports]);
    modules.push([`generic-${flavor}`, (await loadContainer(container, { build: flavor })).exports as unknown as Exports]);
  }
  for (const [flavor, ex] of modules) {
    if (ex.max_batch() < BATCH) throw new Error(`${model.name} ${flavor}: max_batch ${ex.max_batch()} < ${BATCH}`);
    new Float32Array(ex.memory.buffer, ex.input_ptr(), inputs.length).set(inputs);
    ex.infer_batch(BATCH);
    const out = new Float32Array(ex.memory.buffer, ex.output_ptr(), BATCH * model.output.size);
    errors[flavor] = Math.max(...reference.map((ref, b) => relativeL2(out.subarray(b * model.output.size, (b + 1) * model.output.size), ref)));
    engines.push({ name: `${flavor} b1`, run: () => ex.infer() });
    engines.push({ name: `${flavor} b${BATCH}`, run: () => ex.infer_batch(BATCH) });
  }
  const work = workPerInference(model);
  if (work.dense <= DENSE_PEER_LIMIT) {
    const js = denseJsRunner(model);
    errors['js-dense-f32'] = relativeL2(js(first), reference[0]);
    engines.push({ name: 'js-dense-f32 b1', run: () => js(first) });
  }
  const measured = medianSeconds(engines);
  const seconds: Record<string, number | null> = {};
  for (const name of [...modules.flatMap(([flavor]) => [`${flavor} b1`, `${flavor} b${BATCH}`]), 'js-dense-f32 b1']) {
    const t = measured.get(name);
    seconds[name] = t === undefined ? null : name.endsWith(`b${BATCH}`) ? t / BATCH : t;
  }
  for (const [engine, error] of Object.entries(errors)) {
    if (!(error <= TOLERANCE)) process.stderr.write(`warning: ${model.name} ${engine}: relative error ${error} exceeds ${TOLERANCE}\n`);
  }
  return { model: model.name, nnzPerInference: work.nnz, denseWeights: work.dense, seconds, maxRelativeError: errors };
}

function table(rows: Row[]): string {
  const us = (t: number | null) => (t === null ? 'skipped' : (t * 1e6).toFixed(t < 1e-4 ? 2 : 1));
  const gw = (nnz: number, t: number | null) => (t === null ? '-' : (nnz / t / 1e9).toFixed(2));
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? '-' : `${(a / b).toFixed(1)}x`);
  const lines = [
    `| model | nnz / inference | SIMD b1 (us) | SIMD b${BATCH} (us/input) | scalar b1 (us) | scalar b${BATCH} (us/input) | generic SIMD b1 (us) | generic scalar b1 (us) | JS dense f32 (us) | SIMD b1 G weights/s | SIMD b${BATCH} G weights/s | JS / SIMD b1 | JS / scalar b1 | scalar / SIMD b1 | generic / specialized SIMD b1 |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const s = r.seconds;
    lines.push(
      `| ${r.model} | ${r.nnzPerInference.toLocaleString('en-US')} | ${us(s['simd b1'])} | ${us(s[`simd b${BATCH}`])} | ${us(s['scalar b1'])} | ${us(s[`scalar b${BATCH}`])} | ${us(s['generic-simd b1'])} | ${us(s['generic-scalar b1'])} | ${us(s['js-dense-f32 b1'])} | ${gw(r.nnzPerInference, s['simd b1'])} | ${gw(r.nnzPerInference, s[`simd b${BATCH}`])} | ${ratio(s['js-dense-f32 b1'], s['simd b1'])} | ${ratio(s['js-dense-f32 b1'], s['scalar b1'])} | ${ratio(s['scalar b1'], s['simd b1'])} | ${ratio(s['generic-simd b1'], s['simd b1'])} |`,
    );
  }
  return lines.join('\n');
}

const models = [...shippedExamples(), ...SYNTHETIC.map((spec) => syntheticModel(spec))];
const rows: Row[] = [];
for (const [i, model] of models.entries()) {
  process.stderr.write(`[${i + 1}/${models.length}] ${model.name}: building and timing\n`);
  rows.push(await benchModel(model));
}
mkdirSync('bench/results', { recursive: true });
const result = { date: new Date().toISOString(), node: process.version, batch: BATCH, tolerance: TOLERANCE, rows };
writeFileSync('bench/results/inference.json', `${JSON.stringify(result, null, 2)}\n`);
const md = `${table(rows)}\n\nMedian of 7 samples per engine, taken round-robin in one run (${result.date}, Node ${process.version}). Time of the WebAssembly call only (inputs already in linear memory); the JS peer is called with a Float32Array. G weights/s = structural nonzeros visited per second. Every engine's outputs were checked against the float64 reference (max relative L2 error in inference.json).\n`;
writeFileSync('bench/results/inference.md', md);
process.stdout.write(md);
