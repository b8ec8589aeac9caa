/**
 * The files a build writes: determinism, the scalar build's freedom from SIMD, the self-test
 * under wabt's wasm-interp, the ESM loader (both builds and auto choice), the C header, and the
 * memory layout's invariants.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, buildModelInMemory, type BuildResult } from '../../codegen/build.js';
import { validateWasm } from '../../codegen/compile-as.js';
import { evaluate } from '../../compiler/reference/evaluate.js';
import { randomModel } from '../support/random-model.js';
import { relativeL2 } from '../../compiler/reference/compare.js';
import { instantiate, TOLERANCE } from './harness.js';
import { withoutCompileCache } from '../support/compile-cache.js';

// Seed 20: all five structure kinds, hard thresholds and a readout in one module.
const model = randomModel(20);
const outDir = mkdtempSync(join(tmpdir(), 'pibinn-codegen-'));
let result: BuildResult;

beforeAll(async () => {
  result = await buildModel(model, { outDir, maxBatch: 3 });
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('built files', () => {
  it('are byte-identical when the same model is built again', async () => {
    const again = await withoutCompileCache(() => buildModelInMemory(randomModel(20), { maxBatch: 3 }));
    expect(Buffer.compare(readFileSync(result.files.simd!), again.wasm.simd!)).toBe(0);
    expect(Buffer.compare(readFileSync(result.files.scalar!), again.wasm.scalar!)).toBe(0);
    expect(readFileSync(result.files.loader, 'utf8')).toBe(again.loader);
    expect(readFileSync(result.files.types, 'utf8')).toBe(again.types);
    expect(readFileSync(result.files.header, 'utf8')).toBe(again.header);
    expect(result.wasmBytes.simd).toBe(again.wasm.simd!.length);
  });

  it('scalar build has no SIMD opcode; the SIMD build does', () => {
    expect(() => validateWasm(readFileSync(result.files.scalar!), 'scalar', 'scalar')).not.toThrow();
    expect(() => validateWasm(readFileSync(result.files.simd!), 'scalar', 'simd')).toThrow(/PB602/);
  });

  it('scalar build passes its self-test under wabt wasm-interp', () => {
    const output = execFileSync('wasm-interp', ['--run-all-exports', result.files.scalar!], { encoding: 'utf8' });
    expect(output).toMatch(/^self_test\(\) => i32:0$/m);
    expect(output).toMatch(new RegExp(`^input_size\\(\\) => i32:${model.input.size}$`, 'm'));
  });

  it('only the requested builds are produced', async () => {
    const only = await buildModelInMemory(model, { builds: ['scalar'], maxBatch: 3 });
    expect(only.wasm.simd).toBeUndefined();
    expect(only.wasm.scalar).toBeDefined();
  });
});

describe('ESM loader', () => {
  const input = Float32Array.from({ length: model.input.size }, (_, i) => Math.sin(i + 1));
  const expected = evaluate(model, input);
  const load = async () => import(pathToFileURL(result.files.loader).href) as Promise<{
    load(options?: { build?: 'simd' | 'scalar'; bytes?: BufferSource }): Promise<{
      build: string; inputSize: number; maxBatch: number;
      infer(x: Float32Array): Float32Array; inferBatch(x: Float32Array): Float32Array; selfTest(): number;
    }>;
    simdSupported(): boolean;
    inputSize: number;
  }>;

  it('picks SIMD where the engine supports it, and runs infer', async () => {
    const loader = await load();
    expect(loader.simdSupported()).toBe(true);
    expect(loader.inputSize).toBe(model.input.size);
    const m = await loader.load();
    expect(m.build).toBe('simd');
    expect(m.selfTest()).toBe(0);
    expect(relativeL2(m.infer(input), expected)).toBeLessThanOrEqual(TOLERANCE);
  });

  it.each(['simd', 'scalar'] as const)('inferBatch over more than maxBatch inputs (%s build, bytes from the caller)', async (build) => {
    const loader = await load();
    const file = build === 'simd' ? result.files.simd! : result.files.scalar!;
    const m = await loader.load({ build, bytes: readFileSync(file) });
    const count = 2 * m.maxBatch + 1;
    const inputs = new Float32Array(count * model.input.size);
    for (let t = 0; t < count; t++) inputs.set(input.map((v) => v * (t + 1) * 0.3), t * model.input.size);
    const outputs = m.inferBatch(inputs);
    expect(outputs.length).toBe(count * model.output.size);
    for (let t = 0; t < count; t++) {
      const single = m.infer(inputs.subarray(t * model.input.size, (t + 1) * model.input.size));
      expect(Array.from(outputs.subarray(t * model.output.size, (t + 1) * model.output.size))).toEqual(Array.from(single));
    }
    expect(() => m.infer(new Float32Array(model.input.size + 1))).toThrow(RangeError);
    expect(() => m.inferBatch(new Float32Array(model.input.size + 1))).toThrow(RangeError);
  });

  it('types declare the sizes as literal types', () => {
    const types = readFileSync(result.files.types, 'utf8');
    expect(types).toContain(`export declare const inputSize: ${model.input.size};`);
    expect(types).toContain('infer(input: Float32Array): Float32Array;');
  });
});

describe('C header and memory layout', () => {
  it('header offsets and sizes match the module exports', async () => {
    const header = readFileSync(result.files.header, 'utf8');
    const define = (key: string): number => Number(new RegExp(`#define PIBINN_RANDOM_20_${key} (\\d+)u`).exec(header)![1]);
    const m = await instantiate(new Uint8Array(readFileSync(result.files.scalar!)));
    expect(define('INPUT_OFFSET')).toBe(m.input_ptr());
    expect(define('OUTPUT_OFFSET')).toBe(m.output_ptr());
    expect(define('INPUT_SIZE')).toBe(m.input_size());
    expect(define('MAX_BATCH')).toBe(m.max_batch());
    expect(define('MEMORY_PAGES') * 65536).toBe(m.memory.buffer.byteLength);
    expect(header).toContain('#define PIBINN_RANDOM_20_EXPORT_SELF_TEST "self_test"');
  });

  it('buffers are aligned, disjoint, in address order, below memoryBase, with the constants first', () => {
    const { buffers, constantsOffset, constantsBytes, memoryBase } = result.layout;
    let end = 0;
    for (const b of buffers) {
      expect(b.offset % b.alignment).toBe(0);
      expect(b.offset).toBeGreaterThanOrEqual(end);
      end = b.offset + b.bytes;
    }
    expect(end).toBeLessThanOrEqual(memoryBase);
    const constant = buffers.filter((b) => ['weights', 'parameters', 'self-test'].includes(b.region));
    expect(constant[0].offset).toBe(constantsOffset);
    const last = constant[constant.length - 1];
    expect(last.offset + last.bytes).toBeLessThanOrEqual(constantsOffset + constantsBytes);
    expect(buffers.map((b) => b.region)).toEqual(expect.arrayContaining(['weights', 'state', 'scratch', 'input', 'output']));
    expect(buffers.find((b) => b.name === 'input')!.bytes).toBe(4 * 3 * model.input.size);
  });
});
