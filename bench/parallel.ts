/**
 * `npm run bench:parallel` (dist-dev/bench/parallel.js): the multi-core option (runtime/parallel.ts) against one thread
 * and ONNX Runtime Node with 2 threads, on the models where batch parallelism matters (dense
 * n = 1024 / 4096, 64 x 64 blocks n = 4096), and the batch size from which 2 workers win.
 * One thread is timed two ways: the bare infer_batch call (inputs already in linear memory, as in
 * inference.ts) and PibinnModel.inferBatch (copies in and out, what the workers also pay).
 * Outputs of the workers are checked bit for bit against one thread first. Markdown to stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModelInMemory } from '../codegen/build.js';
import { mulberry32 } from '../compiler/util/seeded-random.js';
import { loadParallel, loadSpecialized } from '../runtime/main-node.js';
import { writeOnnx } from './peers/onnx-export.js';
import { ortRunner } from './peers/onnx-runtime.js';
import { syntheticModel, type SyntheticSpec } from './synthetic-models.js';
import { medianSeconds, type Timed } from './timing.js';

const MODELS: SyntheticSpec[] = [{ kind: 'dense', n: 1024 }, { kind: 'dense', n: 4096 }, { kind: 'block-diagonal', n: 4096, block: 64 }];
const BATCHES = [1, 2, 4, 8, 16, 32];
const WORKERS = 2;
const MAX_BATCH = 32;

type Exports = { memory: WebAssembly.Memory; infer_batch(n: number): number; input_ptr(): number };

const us = (seconds: number): string => (seconds * 1e6).toFixed(1);
const lines = [
  `| model | batch | 1 thread infer_batch | 1 thread inferBatch | ${WORKERS} workers | speedup vs infer_batch | speedup vs inferBatch | ORT Node 2t | ORT 2t / ${WORKERS} workers |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
];
const onnxDir = mkdtempSync(join(tmpdir(), 'pibinn-parallel-'));
try {
  for (const spec of MODELS) {
    const model = syntheticModel(spec);
    process.stderr.write(`${model.name}\n`);
    const built = await buildModelInMemory(model, { maxBatch: MAX_BATCH });
    const single = await loadSpecialized({ simd: built.wasm.simd! }, { build: 'simd' });
    const bare = single.exports as unknown as Exports;
    const parallel = await loadParallel({ specialized: { simd: built.wasm.simd! } }, { workers: WORKERS, build: 'simd' });
    const graph = spec.kind === 'dense' ? 'dense' : 'structured';
    const onnx = join(onnxDir, `${model.name}.onnx`);
    writeOnnx(model, graph, onnx);
    const ort = await ortRunner('ort-node-2t', onnx, model.input.size);
    const random = mulberry32(7);
    const inputs = Float32Array.from({ length: MAX_BATCH * model.input.size }, () => random() * 2 - 1);
    const reference = new Uint32Array(single.inferBatch(inputs, MAX_BATCH).buffer);
    const mismatch = new Uint32Array((await parallel.inferBatch(inputs, MAX_BATCH)).buffer).some((bits, i) => bits !== reference[i]);
    if (mismatch) throw new Error(`${model.name}: ${WORKERS} workers differ from one thread`);
    new Float32Array(bare.memory.buffer, bare.input_ptr(), inputs.length).set(inputs);
    for (const batch of BATCHES) {
      const slice = inputs.subarray(0, batch * model.input.size);
      const engines: Timed[] = [
        { name: 'bare', run: () => bare.infer_batch(batch) },
        { name: 'wrapped', run: () => single.inferBatch(slice, batch) },
        { name: 'parallel', run: () => parallel.inferBatch(slice, batch) },
        { name: 'ort', run: () => ort.run(slice, batch) },
      ];
      const t = await medianSeconds(engines, 5, 40);
      const [b, w, p, o] = ['bare', 'wrapped', 'parallel', 'ort'].map((name) => t.get(name)! / batch);
      lines.push(`| ${model.name} | ${batch} | ${us(b)} | ${us(w)} | ${us(p)} | ${(b / p).toFixed(2)}x | ${(w / p).toFixed(2)}x | ${us(o)} (${graph}) | ${(o / p).toFixed(2)}x |`);
    }
    await parallel.close();
    await ort.release();
    rmSync(onnx, { force: true });
  }
} finally {
  rmSync(onnxDir, { recursive: true, force: true });
}
process.stdout.write(`${lines.join('\n')}\n\nus per input, median of 5 samples; ${new Date().toISOString()}, Node ${process.version}.\n`);
