/**
 * Threaded builds (BuildOptions.threads, runtime-as/threads.ts) through loadThreaded
 * (runtime/threaded.ts): with the helper thread splitting batch-1 products, `infer` returns the
 * single-threaded SIMD build's outputs bit for bit on the conformance models, random models of
 * every structure kind and synthetic dense / block-diagonal / banded models, and the helper did
 * run chunks; `inferBatch` (unsplit) agrees too; after close() the model runs on one
 * thread with the same results; a build without threads is refused; the CLI writes the build
 * and reports it; a helper that fails makes the next call throw instead of hanging it.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { syntheticModel } from '../../bench/synthetic-models.js';
import { buildModelInMemory } from '../../codegen/build.js';
import { compileAssemblyScript } from '../../codegen/compile-as.js';
import { RUNTIME_DIR, runtimeSources } from '../../codegen/runtime-sources.js';
import { PibinnError } from '../../core/diagnostics/diagnostic.js';
import { MIN_SPLIT_NNZ } from '../../codegen/emit-threads.js';
import { main } from '../../cli/main.js';
import type { IRModel } from '../../core/ir.js';
import { mulberry32 } from '../../compiler/util/seeded-random.js';
import { loadSpecialized, loadThreaded } from '../../runtime/main-node.js';
import schema from '../../schema/footprint-report.schema.json' with { type: 'json' };
import { CONFORMANCE_DIR, CONFORMANCE_MODELS, loadConformanceModel } from '../support/conformance.js';
import { randomModel } from '../support/random-model.js';
import { matrixNamed } from '../support/ir-draft.js';

/** The job record's helper field once the helper failed (runtime-as/threads.ts HELPER_FAILED). */
const HELPER_FAILED = -1;

const INPUTS = 3;

function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** The job record's seq (jobs posted) and the chunks the helper has run (runtime-as/threads.ts). */
function jobCounters(exports: WebAssembly.Exports): { seq: number; helperChunks: number } {
  const job = new Int32Array((exports.memory as WebAssembly.Memory).buffer, (exports.job_ptr as () => number)(), 16);
  return { seq: Atomics.load(job, 0), helperChunks: Atomics.load(job, 12) };
}

async function expectSameAsSimd(model: IRModel): Promise<void> {
  const built = await buildModelInMemory(model, { maxBatch: 4, builds: ['simd'], threads: true });
  const single = await loadSpecialized({ simd: built.wasm.simd! }, { build: 'simd' });
  const threaded = await loadThreaded(built.wasm.threads!, { name: model.name });
  try {
    const random = mulberry32(model.state);
    const inputs = Float32Array.from({ length: INPUTS * model.input.size }, () => random() * 2 - 1);
    for (let t = 0; t < INPUTS; t++) {
      const x = inputs.subarray(t * model.input.size, (t + 1) * model.input.size);
      expect(bits(threaded.infer(x)), `${model.name} input ${t}`).toEqual(bits(single.infer(x)));
    }
    expect(bits(threaded.inferBatch(inputs)), `${model.name} batch`).toEqual(bits(single.inferBatch(inputs)));
    const { seq } = jobCounters(threaded.exports);
    await threaded.close();
    const x = inputs.subarray(0, model.input.size);
    expect(bits(threaded.infer(x)), 'one thread after close').toEqual(bits(single.infer(x)));
    expect(jobCounters(threaded.exports).seq, 'no job is posted without a helper').toBe(seq + 1); // close bumps seq once
  } finally {
    await threaded.close();
  }
}

describe('threaded builds equal the SIMD build bit for bit', () => {
  it.each(CONFORMANCE_MODELS)('conformance %s', async (name) => expectSameAsSimd(loadConformanceModel(name).model));

  it.each(Array.from({ length: 12 }, (_, i) => i + 40))('random model, seed %i', async (seed) => expectSameAsSimd(randomModel(seed)));

  // Jobs per inference: W_2 .. W_4, each with at least MIN_SPLIT_NNZ nonzeros; B (half as many) runs whole.
  it.each([
    [{ kind: 'dense', n: 256 }, 3], [{ kind: 'block-diagonal', n: 1024, block: 64 }, 3], [{ kind: 'block-diagonal', n: 4096, block: 16 }, 3],
    [{ kind: 'banded', n: 4096, block: 8 }, 3],
  ] as const)('synthetic %o: its products are posted as jobs (%i per inference) and the helper runs chunks', async (spec, jobs) => {
    const model = syntheticModel({ ...spec, layers: 4 });
    expect(matrixNamed(model, 'W1').nnz).toBeGreaterThanOrEqual(MIN_SPLIT_NNZ);
    expect(matrixNamed(model, 'B').nnz).toBeLessThan(MIN_SPLIT_NNZ);
    await expectSameAsSimd(model);
    const built = await buildModelInMemory(model, { maxBatch: 1, builds: ['simd'], threads: true });
    const threaded = await loadThreaded(built.wasm.threads!);
    try {
      const y = new Float32Array(model.input.size).fill(0.25);
      threaded.infer(y);
      expect(jobCounters(threaded.exports).seq).toBe(jobs);
      // Whichever thread claims a chunk runs it; over many inferences the helper takes some.
      for (let t = 0; t < 200; t++) threaded.infer(y);
      expect(jobCounters(threaded.exports).helperChunks).toBeGreaterThan(0);
    } finally {
      await threaded.close();
    }
  });
});

describe('loadThreaded and the CLI', () => {
  it('refuses a build without threads', async () => {
    const built = await buildModelInMemory(syntheticModel({ kind: 'dense', n: 64, layers: 2 }), { builds: ['simd'] });
    await expect(loadThreaded(built.wasm.simd!)).rejects.toThrow(/not a threaded build/);
  });

  it('build --threads writes <name>.threads.wasm and reports it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-threads-'));
    const out: string[] = [];
    const code = await main(['build', join(CONFORMANCE_DIR, 'tied-gain', 'model.json'), '--out-dir', dir, '--threads', '--json'], (t) => out.push(t), () => {});
    expect(code).toBe(0);
    expect(readdirSync(dir)).toContain('c-tied-gain.threads.wasm');
    const report = JSON.parse(out.join('\n'));
    expect(new Ajv({ strict: true, allowUnionTypes: true }).validate(schema, report)).toBe(true);
    expect(report.runtime.builds.map((b: { flavor: string }) => b.flavor)).toEqual(['simd', 'scalar', 'threads']);
    const threaded = await loadThreaded(readFileSync(join(dir, 'c-tied-gain.threads.wasm')));
    expect(threaded.inputSize).toBe(loadConformanceModel('tied-gain').model.input.size);
    await threaded.close();
  });
});

describe('a helper thread that fails', () => {
  it('makes the next call throw PB701 (and close() still works)', async () => {
    const model = syntheticModel({ kind: 'dense', n: 256, layers: 2 });
    const built = await buildModelInMemory(model, { builds: ['simd'], threads: true });
    const threaded = await loadThreaded(built.wasm.threads!, { name: model.name });
    try {
      const y = new Float32Array(model.input.size).fill(0.25);
      threaded.infer(y); // posts jobs; the record keeps the last one's fields
      const { buffer } = threaded.exports.memory as WebAssembly.Memory;
      const job = new Int32Array(buffer, (threaded.exports.job_ptr as () => number)(), 16);
      // Re-open the last job as postJob does, with its sign bits past the end of memory: the
      // helper claims the chunk and traps.
      Atomics.store(job, 11, 0); // finished
      job[8] = -256; // signs: 0xffffff00
      job[9] = Atomics.load(job, 0) + 1; // id
      Atomics.store(job, 10, 1 << 8); // one chunk, none claimed
      Atomics.add(job, 0, 1);
      Atomics.notify(job, 0);
      for (const started = Date.now(); Atomics.load(job, 2) !== HELPER_FAILED && Date.now() - started < 10_000; ) await new Promise((r) => setTimeout(r, 5));
      expect(Atomics.load(job, 2), 'the helper marked its failure').toBe(HELPER_FAILED);
      for (const call of [() => threaded.infer(y), () => threaded.inferBatch(y, 1)]) {
        expect(call).toThrow(PibinnError);
        expect(call).toThrow(/PB701.*helper thread failed/);
      }
    } finally {
      await threaded.close();
    }
  });

  it('does not leave the calling thread waiting for a chunk the helper claimed and never finished', async () => {
    // awaitChunks (runtime-as/threads.ts) in a module of its own, run in a worker so that a
    // regression hangs that worker, not the test: 2 chunks, 1 finished, the helper gone.
    const files = new Map(runtimeSources()).set('entry.ts', [
      `import { awaitChunks } from './${RUNTIME_DIR}/threads';`,
      'export function wait(job: usize, chunks: i32): i32 { return awaitChunks(job, chunks) ? 1 : 0; }',
    ].join('\n'));
    const wasm = await compileAssemblyScript(files, 'entry.ts', 'scalar', ['--enable', 'threads'], 'await-chunks');
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(workerData.wasm), {});
      if (exports.memory.buffer.byteLength === 0) exports.memory.grow(1);
      const job = new Int32Array(exports.memory.buffer, 1024, 16);
      const run = (helper, finished, chunks) => { job[2] = helper; job[11] = finished; return exports.wait(1024, chunks); };
      parentPort.postMessage([run(${HELPER_FAILED}, 1, 2), run(0, 2, 2), run(1, 2, 2), run(${HELPER_FAILED}, 2, 2)]);`;
    const worker = new Worker(script, { eval: true, workerData: { wasm } });
    try {
      const answer = await Promise.race([
        new Promise((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject))),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 20_000)),
      ]);
      // Incomplete when the helper failed first; complete whenever every chunk finished.
      expect(answer).toEqual([0, 1, 1, 1]);
    } finally {
      await worker.terminate();
    }
  });
});
