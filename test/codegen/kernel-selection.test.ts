/**
 * Kernel selection: the TypeScript mirror (codegen/kernel-selection.ts) agrees with the rule the
 * kernels apply (runtime-as/kernel-choice.ts, exported as kernel_choice) on a grid of shapes in
 * both builds, and a model's choices reach its layout (scratch:lut) and the report.
 */
import { describe, expect, it } from 'vitest';
import { compileAssemblyScript, type Flavor } from '../../codegen/compile-as.js';
import { batchScratchBytes, chooseKernel, KERNEL_IDS, selectKernels } from '../../codegen/kernel-selection.js';
import { planMemory } from '../../codegen/layout.js';
import { RUNTIME_DIR, runtimeSources } from '../../codegen/runtime-sources.js';
import { selfTestVectors } from '../../codegen/self-test-vectors.js';
import { syntheticModel } from '../../bench/synthetic-models.js';

describe.each<Flavor>(['simd', 'scalar'])('kernel choice, %s build', (flavor) => {
  it('the TypeScript mirror agrees with the kernels on every shape of a grid', async () => {
    const bytes = await compileAssemblyScript(runtimeSources(), `${RUNTIME_DIR}/index.ts`, flavor, [], 'runtime-as/index.ts');
    const { kernel_choice } = (await WebAssembly.instantiate(bytes, {})).instance.exports as {
      kernel_choice(rows: number, cols: number, lut: number): number;
    };
    const sizes = [1, 4, 7, 8, 12, 16, 63, 64, 65, 128, 255, 256, 1024, 4096, 4104, 32768, 32776, 65536];
    for (const rows of sizes) {
      for (const cols of sizes) {
        for (const lut of [true, false]) {
          expect(kernel_choice(rows, cols, lut ? 1 : 0), `${rows} x ${cols} lut=${lut}`).toBe(KERNEL_IDS[chooseKernel(rows, cols, lut, flavor)]);
        }
      }
    }
  });
});

describe('kernel selection in a layout', () => {
  it('sizes scratch:lut for the largest table and keeps MCU builds table-free', () => {
    const model = syntheticModel({ kind: 'block-diagonal', n: 1024, block: 64 });
    const tests = selfTestVectors(model, 1);
    const web = planMemory(model, 1, tests, model.name);
    expect(web.layout.kernels.map((k) => k.kernel.simd)).toEqual(new Array(model.matrices.length).fill('lut8'));
    expect(web.layout.kernels.find((k) => k.matrix === 'B')!.kernel.scalar).toBe('lut4');
    const lut = web.layout.buffers.find((b) => b.name === 'scratch:lut')!;
    expect(lut.bytes).toBe(64 * 128);
    expect(web.lookupTable).toBe(lut.offset);
    const mcu = planMemory(model, 1, tests, model.name, { kernelTarget: 'mcu' });
    expect(mcu.layout.kernels.every((k) => k.kernel.simd === 'flip-add' && k.tableBytes === 0)).toBe(true);
    expect(mcu.lookupTable).toBe(0);
    expect(mcu.layout.buffers.some((b) => b.name === 'scratch:lut')).toBe(false);
  });

  it('gives infer_batch a batch group of vectors and batch-inner scratch where a lookup kernel runs', () => {
    const model = syntheticModel({ kind: 'dense', n: 256 });
    const tests = selfTestVectors(model, 1);
    const bytesOf = (memory: ReturnType<typeof planMemory>, name: string): number => memory.layout.buffers.find((b) => b.name === name)!.bytes;
    const web = planMemory(model, 40, tests, model.name);
    expect(web.layout.batchGroup).toBe(32);
    expect(bytesOf(web, 'state:x')).toBe(4 * 32 * model.state);
    expect(bytesOf(web, 'scratch:z')).toBe(4 * 32 * model.state);
    const largest = Math.max(...[...model.matrices.values()].map((m) => batchScratchBytes(m.rows, m.cols, 32)));
    expect(bytesOf(web, 'scratch:lut')).toBe(largest);
    expect(planMemory(model, 5, tests, model.name).layout.batchGroup).toBe(5);
    const mcu = planMemory(model, 40, tests, model.name, { kernelTarget: 'mcu' });
    expect(mcu.layout.batchGroup).toBe(1);
    expect(bytesOf(mcu, 'state:x')).toBe(4 * model.state);
  });

  it('runs narrow bands over diagonals on the web target, and says why a matrix stays on flip-and-add', () => {
    const model = syntheticModel({ kind: 'banded', n: 256, block: 8 });
    const web = selectKernels(model, 'web');
    // W_k: 17 diagonals x 256 rows; B (256 x 128) has empty rows from 137 on, so its diagonals would be half padding.
    const ws = web.filter((k) => k.matrix !== 'B');
    expect(ws.every((k) => k.kernel.simd === 'diagonal' && k.kernel.scalar === 'diagonal' && k.bitLayout === 'diagonal-major')).toBe(true);
    expect(web.find((k) => k.matrix === 'B')).toMatchObject({ kernel: { simd: 'flip-add' }, bitLayout: 'canonical' });
    const memory = planMemory(model, 40, selfTestVectors(model, 1), model.name);
    expect(memory.layout.batchGroup, 'no batch-inner form: one input at a time').toBe(1);
    expect(memory.layout.buffers.find((b) => b.name === 'scratch:lut')!.bytes).toBe(Math.max(...web.map((k) => k.tableBytes)));
    const mcu = selectKernels(model, 'mcu');
    expect(mcu.every((k) => k.kernel.simd === 'flip-add' && k.bitLayout === 'canonical' && /MCU/.test(k.reason))).toBe(true);
    const wide = selectKernels(syntheticModel({ kind: 'banded', n: 64, block: 50 }), 'web');
    expect(wide.every((k) => k.kernel.simd === 'flip-add' && /banded: diagonals/.test(k.reason))).toBe(true);
  });
});
