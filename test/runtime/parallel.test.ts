/**
 * loadParallel (runtime/parallel.ts): the batch split over workers returns the single-thread
 * inferBatch's outputs bit for bit, for 1..3 workers and batches smaller than, equal to and
 * larger than the worker count and than one round (workers * max_batch); a failing worker
 * rejects the call; close() terminates the workers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import binaryen from 'binaryen';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModelInMemory } from '../../codegen/build.js';
import { writeContainer } from '../../compiler/container/write.js';
import { parseNpy } from '../../compiler/io/npy.js';
import { mulberry32 } from '../../compiler/util/seeded-random.js';
import { loadContainer, loadSpecialized } from '../../runtime/index.js';
import { loadParallel, type ParallelModel } from '../../runtime/parallel.js';
import { CONFORMANCE_DIR, CONFORMANCE_MODELS, loadConformanceModel } from '../support/conformance.js';
import { randomModel } from '../support/random-model.js';

const WORKER_COUNTS = [1, 2, 3];

let open: ParallelModel[] = [];
afterEach(async () => {
  await Promise.all(open.map((m) => m.close()));
  open = [];
});

async function parallel(...args: Parameters<typeof loadParallel>): Promise<ParallelModel> {
  const model = await loadParallel(...args);
  open.push(model);
  return model;
}

function randomInputs(seed: number, count: number, size: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: count * size }, () => random() * 2 - 1);
}

/** Bit patterns, so even the sign of a zero must match. */
function expectSameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(new Uint32Array(actual.buffer, actual.byteOffset, actual.length), label).toEqual(new Uint32Array(expected.buffer, expected.byteOffset, expected.length));
}

describe.each(CONFORMANCE_MODELS)('conformance %s through the generic runtime', (name) => {
  it.each(WORKER_COUNTS)('%i workers equal one thread bit for bit', async (workers) => {
    const container = writeContainer(loadConformanceModel(name).model);
    const inputs = Float32Array.from(parseNpy(readFileSync(join(CONFORMANCE_DIR, name, 'inputs.npy')), 'inputs.npy').data);
    const single = await loadContainer(container);
    const count = inputs.length / single.inputSize;
    const model = await parallel({ container }, { workers });
    expect([model.name, model.kind, model.build, model.inputSize, model.outputSize, model.workers]).toEqual([single.name, 'generic', single.build, single.inputSize, single.outputSize, workers]);
    expectSameBits(await model.inferBatch(inputs, count), single.inferBatch(inputs, count), `${name}, ${count} inputs`);
    expectSameBits(await model.infer(inputs.subarray(0, single.inputSize)), single.infer(inputs.subarray(0, single.inputSize)), `${name}, infer`);
  });
});

describe('random models through specialized builds with max_batch 3', () => {
  // 3 workers x max_batch 3 = 9 inputs per round: 20 inputs take three rounds.
  const COUNTS = [0, 1, 2, 3, 5, 9, 20];
  it.each([1, 2, 3, 4])('seed %i', async (seed) => {
    const ir = randomModel(seed);
    const built = await buildModelInMemory(ir, { maxBatch: 3 });
    for (const build of ['simd', 'scalar'] as const) {
      const single = await loadSpecialized({ [build]: built.wasm[build]! }, { build });
      for (const workers of WORKER_COUNTS) {
        const model = await parallel({ specialized: { [build]: built.wasm[build]! } }, { workers, build, name: ir.name });
        expect([model.kind, model.build, model.maxBatch]).toEqual(['specialized', build, 3]);
        for (const count of COUNTS) {
          const inputs = randomInputs(seed * 100 + count, count, ir.input.size);
          expectSameBits(await model.inferBatch(inputs, count), single.inferBatch(inputs, count), `${build}, ${workers} workers, ${count} inputs`);
        }
      }
    }
  });

  it('runs overlapping calls one after another, each with its own inputs', async () => {
    const ir = randomModel(5);
    const built = await buildModelInMemory(ir, { maxBatch: 3 });
    const single = await loadSpecialized({ simd: built.wasm.simd! }, { build: 'simd' });
    const model = await parallel({ specialized: { simd: built.wasm.simd! } }, { workers: 2, build: 'simd' });
    const batches = [7, 1, 12].map((count, i) => ({ count, inputs: randomInputs(i, count, ir.input.size) }));
    const results = await Promise.all(batches.map(({ inputs, count }) => model.inferBatch(Array.from(inputs), count)));
    results.forEach((result, i) => expectSameBits(result, single.inferBatch(batches[i].inputs, batches[i].count), `call ${i}`));
  });
});

/** A module with the inference ABI (input and output size 1, max_batch 4) whose infer_batch traps. */
function trappingModule(): Uint8Array {
  const constant = (value: number) => `(func (export "${'$'}NAME") (result i32) (i32.const ${value}))`;
  const getters = Object.entries({ input_ptr: 0, output_ptr: 64, input_size: 1, output_size: 1, state_size: 1, max_batch: 4 })
    .map(([name, value]) => constant(value).replace('$NAME', name));
  const text = `(module (memory (export "memory") 1) ${getters.join(' ')} (func (export "infer_batch") (param i32) (result i32) unreachable))`;
  const module = binaryen.parseText(text);
  try {
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

describe('worker start-up in Node', () => {
  it('uses worker_threads even when a library has installed a global Worker shim', async () => {
    const container = writeContainer(loadConformanceModel('dense-lista').model);
    const shim = class {
      constructor() {
        throw new Error('the Web Worker shim must not be used in Node');
      }
    };
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
    Object.defineProperty(globalThis, 'Worker', { value: shim, configurable: true, writable: true });
    try {
      const model = await parallel({ container }, { workers: 2 });
      const single = await loadContainer(container);
      const inputs = randomInputs(3, 4, single.inputSize);
      expectSameBits(await model.inferBatch(inputs, 4), single.inferBatch(inputs, 4), 'with a global Worker shim');
    } finally {
      if (saved) Object.defineProperty(globalThis, 'Worker', saved);
      else delete (globalThis as { Worker?: unknown }).Worker;
    }
  });
});

describe('failures', () => {
  it('rejects the call when a worker traps, and names the worker', async () => {
    const model = await parallel({ specialized: { scalar: trappingModule() } }, { workers: 2, build: 'scalar', name: 'trap' });
    await expect(model.inferBatch([1, 2, 3], 3)).rejects.toThrow(/trap: inference worker \d: RuntimeError: unreachable/);
    // Batches smaller than the worker count leave a worker idle; the busy one still fails.
    await expect(model.infer([1])).rejects.toThrow(/inference worker 1: RuntimeError: unreachable/);
  });

  it('rejects a batch whose length does not match its count', async () => {
    const container = writeContainer(randomModel(6));
    const model = await parallel({ container }, { workers: 2 });
    await expect(model.inferBatch(new Float32Array(model.inputSize * 2 + 1), 2)).rejects.toThrow(RangeError);
    await expect(model.infer(new Float32Array(model.inputSize + 1))).rejects.toThrow(RangeError);
  });

  it('refuses a rejected container with its diagnostic before starting workers', async () => {
    const container = writeContainer(randomModel(7));
    container[container.length - 1] ^= 1;
    await expect(loadParallel({ container }, { workers: 2 })).rejects.toThrow(/PB50/);
  });

  it('refuses a worker count that is not a positive integer', async () => {
    const container = writeContainer(randomModel(8));
    for (const workers of [0, 1.5, -1]) await expect(loadParallel({ container }, { workers })).rejects.toThrow(RangeError);
  });

  it('close() terminates the workers; later calls reject', async () => {
    const container = writeContainer(randomModel(9));
    const model = await loadParallel({ container }, { workers: 3 });
    await model.close();
    await model.close();
    await expect(model.inferBatch(new Float32Array(model.inputSize), 1)).rejects.toThrow(/closed/);
  });
});
