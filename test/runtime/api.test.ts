/**
 * The embedding API (runtime/index.ts, runtime/node.ts): build selection, typed inference with
 * argument checks, batches larger than one WebAssembly call, containers from bytes, URLs and
 * files, specialized modules, rejected containers as numbered diagnostics, memory growth and limits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../codegen/build.js';
import { readContainer } from '../../compiler/container/read.js';
import { writeContainer } from '../../compiler/container/write.js';
import { PibinnError } from '../../core/diagnostics/diagnostic.js';
import type { IRModel } from '../../core/ir.js';
import { resolveModel } from '../support/ir-draft.js';
import { buildFootprint } from '../../compiler/report/footprint.js';
import { loadContainer, loadSpecialized, simdSupported } from '../../runtime/index.js';
import { loadContainerFile, loadSpecializedFiles } from '../../runtime/node.js';
import { referenceOutputs, expectAgreement } from '../codegen/harness.js';
import { randomModel } from '../support/random-model.js';
import { instantiateRuntime, loadRaw, prebuiltBytes, compilerVerdict } from './raw-runtime.js';
import binaryen from 'binaryen';
import { DETAILS } from '../../core/constants.js';

const model = randomModel(77, { structure: 'dense' });
const container = writeContainer(model);
const temp = mkdtempSync(join(tmpdir(), 'pibinn-api-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function inputsFor(m: IRModel, count: number): Float32Array {
  return Float32Array.from({ length: count * m.input.size }, (_, i) => Math.sin(i * 0.37));
}

/** The diagnostic a promise rejects with. */
async function diagnosticOf(promise: Promise<unknown>) {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PibinnError);
  return (error as PibinnError).diagnostics[0];
}

describe('loadContainer', () => {
  it('picks the SIMD build where the engine has it, or the build asked for', async () => {
    expect(simdSupported()).toBe(true); // Node 20's V8
    expect((await loadContainer(container)).build).toBe('simd');
    expect((await loadContainer(container, { build: 'scalar' })).build).toBe('scalar');
    await expect(loadContainer(container, { build: 'avx' as never })).rejects.toThrow(TypeError);
  });

  it('exposes the model sizes and name, and infers single vectors and batches of any count', async () => {
    const m = await loadContainer(container);
    expect([m.name, m.kind, m.inputSize, m.outputSize, m.stateSize]).toEqual([model.name, 'generic', model.input.size, model.output.size, model.state]);
    const count = 2 * m.maxBatch + 3; // three WebAssembly calls
    const inputs = inputsFor(model, count);
    const outputs = m.inferBatch(inputs, count);
    expectAgreement('batch', model, inputs, outputs, referenceOutputs(model, inputs, count), count);
    const last = inputs.subarray((count - 1) * model.input.size);
    expect(m.infer(last)).toEqual(outputs.subarray((count - 1) * model.output.size));
    expect(m.infer(Array.from(last))).toEqual(m.infer(last)); // plain arrays too
    expect(m.inferBatch(new Float32Array(0), 0)).toEqual(new Float32Array(0));
  });

  it('rejects inputs of the wrong size', async () => {
    const m = await loadContainer(container);
    expect(() => m.infer(new Float32Array(model.input.size + 1))).toThrow(RangeError);
    expect(() => m.inferBatch(new Float32Array(3 * model.input.size), 2)).toThrow(RangeError);
    expect(() => m.inferBatch(new Float32Array(model.input.size), 0.5)).toThrow(RangeError);
  });

  it('keeps loaded models independent', async () => {
    const other = randomModel(78);
    const [a, b] = await Promise.all([loadContainer(container), loadContainer(writeContainer(other))]);
    const x = inputsFor(model, 1);
    const before = a.infer(x);
    b.infer(inputsFor(other, 1));
    expect(a.infer(x)).toEqual(before);
  });

  it('reports a rejected container as a numbered diagnostic with its byte offset', async () => {
    const damaged = container.slice();
    damaged[damaged.length - 40] ^= 1;
    const checksum = await diagnosticOf(loadContainer(damaged, { file: 'damaged.pibinn' }));
    expect(checksum.code).toBe('PB504');
    expect(checksum.file).toBe('damaged.pibinn');
    expect(checksum.byteOffset).toBeGreaterThan(0);
    expect(checksum.message).toMatch(/checksum mismatch/);
    expect((await diagnosticOf(loadContainer(container.subarray(0, 100)))).code).toBe(compilerVerdict(container.subarray(0, 100)));
    expect((await diagnosticOf(loadContainer(new Uint8Array(4)))).code).toBe('PB501');
  });

  it('refuses a model over the memory limit before touching it, and grows memory for a big one', async () => {
    // state = 2^30 costs 4 GiB for x alone, though its container is tiny (one banded entry).
    const huge = resolveModel({
      name: 'huge', scale: 1, state: 2 ** 30, input: { name: 'y', size: 1 }, output: { name: 'x', size: 2 ** 30 },
      matrices: [{ id: 'B', rows: 2 ** 30, cols: 1, structure: { kind: 'banded', lower: 0, upper: 0 }, nnz: 1, signs: new Uint8Array(1), gain: 1, encoding: 'bits' }],
      layers: [{ terms: [{ matrix: 'B', source: 'input' }], skip: 0, bias: 0, threshold: { kind: 'none', theta: 0 }, relax: 1 }],
    });
    const limit = await diagnosticOf(loadContainer(writeContainer(huge)));
    expect(limit.code).toBe('PB401');
    expect(limit.message).toMatch(/limit exceeded.*memory/);

    const raw = await instantiateRuntime('simd');
    const pages = raw.memory.buffer.byteLength;
    const big = randomModel(79, { structure: 'dense', maxSize: 1500 });
    expect(loadRaw(raw, writeContainer(big))).toBe(0);
    expect(raw.memory.buffer.byteLength).toBeGreaterThan(pages);
    expect(raw.alloc_container(0x7fffffff)).toBe(0);
    expect(raw.error_code()).toBe(7);
  });

  it('runs banded matrices whose bands are wider than the matrix (u32 band widths)', async () => {
    const bands = (id: string, lower: number, upper: number, rows: number, cols: number) => ({
      id, rows, cols, structure: { kind: 'banded' as const, lower, upper }, nnz: rows * cols, signs: Uint8Array.of(0xa5, rows * cols === 16 ? 0x3c : 0x0c), gain: 1, encoding: 'bits' as const,
    });
    const wide = resolveModel({
      name: 'wide-bands', scale: 0.3, state: 4, input: { name: 'y', size: 3 }, output: { name: 'x', size: 4 },
      matrices: [bands('B0', 2 ** 32 - 7, 2 ** 31 + 3, 4, 3), bands('B1', 2 ** 31 + 1, 2 ** 32 - 1, 4, 4)],
      layers: [0, 1].map(() => ({ terms: [{ matrix: 'B0', source: 'input' as const }, { matrix: 'B1', source: 'state' as const }], skip: 0, bias: 0, threshold: { kind: 'soft' as const, theta: 0.05 }, relax: 1 })),
    });
    const inputs = inputsFor(wide, 4);
    for (const build of ['simd', 'scalar'] as const) {
      const outputs = (await loadContainer(writeContainer(wide), { build })).inferBatch(inputs, 4);
      expectAgreement(`wide bands ${build}`, wide, inputs, outputs, referenceOutputs(wide, inputs, 4), 4);
    }
  });

  it('fetches a container from an http URL (paths and file: URLs: test/runtime/sources.test.ts)', async () => {
    const server = createServer((_, response) => response.end(container));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      expect((await loadContainer(`http://127.0.0.1:${port}/model.pibinn`)).name).toBe(model.name);
    } finally {
      server.close();
    }
  });

  it('uses runtime bytes given by the caller', async () => {
    const m = await loadContainer(container, { build: 'scalar', runtime: prebuiltBytes('scalar') });
    expect(m.infer(inputsFor(model, 1))).toEqual((await loadContainer(container, { build: 'scalar' })).infer(inputsFor(model, 1)));
    // A stand-in runtime that answers every load with "checksum mismatch at byte 123": its answer, not the prebuilt one's, comes back.
    const standIn = binaryen.parseText(`(module (memory (export "memory") 1)
      (func (export "set_option") (param i32 f64) (result i32) (i32.const 0))
      (func (export "alloc_container") (param i32) (result i32) (i32.const 16))
      (func (export "load") (param i32 i32) (result i32) (i32.const 4))
      (func (export "error_code") (result i32) (i32.const 4))
      (func (export "error_detail") (result i32) (i32.const ${DETAILS.CHECKSUM.code}))
      (func (export "error_offset") (result i32) (i32.const 123))
      (func (export "error_info") (param i32) (result f64) (f64.const -1)))`);
    try {
      const refused = await diagnosticOf(loadContainer(container, { build: 'scalar', runtime: standIn.emitBinary() }));
      expect([refused.code, refused.byteOffset]).toEqual(['PB504', 123]);
    } finally {
      standIn.dispose();
    }
  });
});

describe('specialized modules and the Node helpers', () => {
  it('loads a specialized build, falls back to the build that was given, and agrees bit for bit with the generic runtime', async () => {
    await buildModel(model, { outDir: temp });
    const simd = await loadSpecializedFiles(temp, model.name);
    expect([simd.kind, simd.build, simd.name]).toEqual(['specialized', 'simd', model.name]);
    const scalarOnly = await loadSpecialized({ scalar: await import('node:fs/promises').then((fs) => fs.readFile(join(temp, `${model.name}.scalar.wasm`))) });
    expect(scalarOnly.build).toBe('scalar');
    await expect(loadSpecialized({}, { build: 'simd' })).rejects.toThrow(/no simd build/);
    const inputs = inputsFor(model, 9);
    expect(simd.inferBatch(inputs)).toEqual((await loadContainer(container)).inferBatch(inputs));
    expect(scalarOnly.inferBatch(inputs)).toEqual((await loadContainer(container, { build: 'scalar' })).inferBatch(inputs));
  });

  it('loads a container file with its footprint report', async () => {
    const path = join(temp, 'model.pibinn');
    writeFileSync(path, container);
    const m = await loadContainerFile(path);
    expect(m.footprint).toEqual(buildFootprint(readContainer(container, path)));
    expect(m.infer(inputsFor(model, 1))).toHaveLength(model.output.size);
    const damaged = container.slice();
    damaged[200] ^= 0x10;
    writeFileSync(path, damaged);
    expect((await diagnosticOf(loadContainerFile(path))).file).toBe(path);
  });
});
