/**
 * One batch loop (runtime/batch.ts) behind every JavaScript host: the embedding API's models,
 * the generated `<name>.mjs` loader (which inlines its source) and the parallel workers (which
 * embed it). The three must answer alike on the same module: full batches split over max_batch,
 * empty batches (an empty result, nothing run), wrong lengths (RangeError), and a module that
 * runs fewer inputs than asked (an error, never stale outputs).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlannedLayout } from '../../codegen/layout.js';
import { emitLoader } from '../../codegen/emit-loader.js';
import type { IRModel } from '../../core/ir.js';
import { BATCH_RUNNER_SOURCE } from '../../runtime/batch.js';
import { loadParallel, loadSpecialized } from '../../runtime/main-node.js';
import { ABI_MODULE_MAX_BATCH, abiModule } from '../support/abi-module.js';

const NAME = 'abi';
const temp = mkdtempSync(join(tmpdir(), 'pibinn-batch-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface Host {
  inferBatch(inputs: Float32Array): Promise<Float32Array>;
  infer(input: Float32Array): Promise<Float32Array>;
  close(): Promise<void>;
}

/** The generated loader of a model with the test module's sizes, written as a .mjs file and imported. */
async function loaderHost(bytes: Uint8Array): Promise<Host> {
  // emitLoader reads only the name, the sizes and max_batch.
  const model = { name: NAME, input: { size: 2 }, output: { size: 2 }, state: 2 } as unknown as IRModel;
  const path = join(temp, `${NAME}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(path, emitLoader(model, { maxBatch: ABI_MODULE_MAX_BATCH } as PlannedLayout));
  const loader = (await import(pathToFileURL(path).href)) as { load(options: { build: string; bytes: Uint8Array }): Promise<{ infer(x: Float32Array): Float32Array; inferBatch(x: Float32Array): Float32Array }> };
  const m = await loader.load({ build: 'scalar', bytes });
  return { inferBatch: async (x) => m.inferBatch(x), infer: async (x) => m.infer(x), close: async () => {} };
}

async function apiHost(bytes: Uint8Array): Promise<Host> {
  const m = await loadSpecialized({ scalar: bytes }, { name: NAME });
  return { inferBatch: async (x) => m.inferBatch(x), infer: async (x) => m.infer(x), close: async () => {} };
}

async function parallelHost(bytes: Uint8Array): Promise<Host> {
  const m = await loadParallel({ specialized: { scalar: bytes } }, { workers: 1, build: 'scalar', name: NAME });
  return { inferBatch: (x) => m.inferBatch(x), infer: (x) => m.infer(x), close: () => m.close() };
}

const HOSTS = { 'generated loader': loaderHost, 'embedding API': apiHost, 'parallel worker': parallelHost };

/**
 * What a host answers: its outputs, or whether it threw a RangeError and the loop's message
 * (a parallel worker's error reaches the caller inside a PB701 naming the worker).
 */
async function answer(run: () => Promise<Float32Array>): Promise<number[] | string> {
  try {
    return Array.from(await run());
  } catch (error) {
    const message = /inferBatch got \d+ values for count [\d.]+; expected count \* \d+ values|input has \d+ values, expected \d+|the module ran \d+ of \d+ inputs/.exec((error as Error).message)?.[0] ?? (error as Error).message;
    return `${error instanceof RangeError ? 'RangeError' : 'Error'}: ${message}`;
  }
}

async function answers(bytes: Uint8Array, calls: ((host: Host) => Promise<Float32Array>)[]): Promise<Record<string, (number[] | string)[]>> {
  const result: Record<string, (number[] | string)[]> = {};
  for (const [label, start] of Object.entries(HOSTS)) {
    const host = await start(bytes);
    try {
      result[label] = [];
      for (const call of calls) result[label].push(await answer(() => call(host)));
    } finally {
      await host.close();
    }
  }
  return result;
}

const values = (count: number) => Float32Array.from({ length: count }, (_, i) => i + 0.5);

describe('the batch loop, generated loader vs embedding API vs parallel worker', () => {
  it('is inlined in the loader from runtime/batch.ts, the only loop there', () => {
    const loader = emitLoader({ name: NAME, input: { size: 2 }, output: { size: 2 }, state: 2 } as unknown as IRModel, { maxBatch: 3 } as PlannedLayout);
    expect(loader).toContain(BATCH_RUNNER_SOURCE);
    expect(loader.split('infer_batch(').length - 1).toBe(1);
  });

  it('answers alike on full, split, empty and wrongly sized batches', async () => {
    const calls = [
      (h: Host) => h.inferBatch(values(0)),
      (h: Host) => h.inferBatch(values(2)),
      (h: Host) => h.inferBatch(values(6)),
      (h: Host) => h.inferBatch(values(14)), // 7 inputs: three calls into the module
      (h: Host) => h.inferBatch(values(3)),
      (h: Host) => h.infer(values(2)),
      (h: Host) => h.infer(values(4)),
    ];
    const result = await answers(abiModule(), calls);
    const expected = [
      [],
      Array.from(values(2), (v) => 2 * v + 1),
      Array.from(values(6), (v) => 2 * v + 1),
      Array.from(values(14), (v) => 2 * v + 1),
      'RangeError: inferBatch got 3 values for count 1.5; expected count * 2 values',
      [2, 4],
      'RangeError: input has 4 values, expected 2',
    ];
    for (const label of Object.keys(HOSTS)) expect(result[label], label).toEqual(expected);
  });

  it('refuses a short run by the module in every host, and still runs an empty batch', async () => {
    const calls = [(h: Host) => h.inferBatch(values(6)), (h: Host) => h.inferBatch(values(0)), (h: Host) => h.inferBatch(values(4))];
    const result = await answers(abiModule({ limit: 2 }), calls);
    for (const label of Object.keys(HOSTS)) {
      expect(result[label], label).toEqual(['Error: the module ran 2 of 3 inputs', [], Array.from(values(4), (v) => 2 * v + 1)]);
    }
  });
});
