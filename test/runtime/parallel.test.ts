/**
 * loadParallel (runtime/parallel.ts): the batch split over workers returns the single-thread
 * inferBatch's outputs bit for bit, for 1..3 workers and batches smaller than, equal to and
 * larger than the worker count and than one round (workers * max_batch); a failing worker
 * rejects the call; close() terminates the workers; a late wake-up never runs a job twice, and
 * thousands of calls in a row neither hang nor return a wrong output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModelInMemory } from '../../codegen/build.js';
import { writeContainer } from '../../compiler/container/write.js';
import { parseNpy } from '../../compiler/io/npy.js';
import { mulberry32 } from '../../compiler/util/seeded-random.js';
import { loadContainer, loadParallel, loadSpecialized, type ParallelModel } from '../../runtime/main-node.js';
import { CONFORMANCE_DIR, CONFORMANCE_MODELS, loadConformanceModel } from '../support/conformance.js';
import { randomModel } from '../support/random-model.js';
import { abiModule } from '../support/abi-module.js';
import { ERROR_BYTES, FIRST_SLOT, GENERATION, REMAINING, SLOT_INTS, WORKER_SOURCE } from '../../runtime/parallel-worker.js';
import { startWorker, useWorkerStarter } from '../../runtime/worker-host.js';
import { startNodeWorker } from '../../runtime/host-node.js';

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
    const model = await parallel({ specialized: { scalar: abiModule({ trap: true }) } }, { workers: 2, build: 'scalar', name: 'trap' });
    await expect(model.inferBatch([1, 2, 3, 4, 5, 6], 3)).rejects.toThrow(/^trap: error PB701 .*: inference worker \d: RuntimeError: unreachable/);
    // Batches smaller than the worker count leave a worker idle; the busy one still fails.
    await expect(model.infer([1, 2])).rejects.toThrow(/PB701 .*: inference worker 1: RuntimeError: unreachable/);
  });

  it('rejects every call after a worker was lost with PB701', async () => {
    // The exit of a worker, as worker_threads reports it, injected through the host's starter.
    const onFailures: ((error: Error) => void)[] = [];
    useWorkerStarter((source) => {
      const handle = startNodeWorker(source);
      return { ...handle, listen: (onMessage, onFailure) => (onFailures.push(onFailure), handle.listen(onMessage, onFailure)) };
    });
    try {
      const model = await parallel({ specialized: { scalar: abiModule() } }, { workers: 2, build: 'scalar', name: 'lost' });
      expect(Array.from(await model.inferBatch([1, 2], 1))).toEqual([3, 5]);
      onFailures[1](new Error('inference worker exited with code 1'));
      for (let call = 0; call < 2; call++) await expect(model.inferBatch([1, 2], 1)).rejects.toThrow(/^lost: error PB701 .*: inference worker exited with code 1/);
    } finally {
      useWorkerStarter(startNodeWorker);
    }
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

describe('wake-ups (runtime/parallel-worker.ts)', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('a worker woken by the late notify of a job it already ran does not run it again', async () => {
    // One worker, driven over its protocol directly. When the main thread is preempted between
    // bumping the generation and notifying, a worker finishing its previous job sees the new
    // generation without sleeping, runs it, and sleeps again before that notify comes: the same
    // as a worker woken for a job and then notified once more, as here.
    const control = new Int32Array(new SharedArrayBuffer(4 * (FIRST_SLOT + SLOT_INTS)));
    const inputs = new Float32Array(new SharedArrayBuffer(4 * 2));
    const outputs = new Float32Array(new SharedArrayBuffer(4 * 2));
    const worker = await startWorker(WORKER_SOURCE);
    try {
      const ready = new Promise((resolve, reject) => worker.listen(resolve, reject));
      worker.post({ module: await WebAssembly.compile(abiModule()), control: control.buffer, errors: new SharedArrayBuffer(ERROR_BYTES), inputs: inputs.buffer, outputs: outputs.buffer, index: 0, inputSize: 2, outputSize: 2, name: 'abi' });
      await ready;
      control[FIRST_SLOT] = 0;
      control[FIRST_SLOT + 1] = 1;
      inputs.set([1, 2]);
      Atomics.store(control, REMAINING, 1);
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);
      while (Atomics.load(control, REMAINING) !== 0) await sleep(1);
      expect(Array.from(outputs)).toEqual([3, 5]);
      await sleep(20);
      expect(Atomics.notify(control, GENERATION), 'the worker was asleep again').toBe(1);
      await sleep(100);
      expect(Atomics.load(control, REMAINING), 'the job ran once').toBe(0);
    } finally {
      await worker.terminate();
    }
  });

  it('thousands of calls of 0..10 inputs on 3 workers: no call hangs, every output is right', async () => {
    const model = await parallel({ specialized: { scalar: abiModule() } }, { workers: 3, build: 'scalar', name: 'abi' });
    const random = mulberry32(5);
    for (let call = 0; call < 10_000; call++) {
      const count = Math.floor(random() * 11);
      const inputs = Float32Array.from({ length: 2 * count }, () => random());
      expect(Array.from(await model.inferBatch(inputs, count)), `call ${call}`).toEqual(Array.from(inputs, (v) => Math.fround(2 * v + 1)));
    }
  });
});
