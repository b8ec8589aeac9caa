/**
 * Kernel selection: the rule the planner applies (runtime-as/kernel-choice.ts, exported by the
 * kernel library as kernel_choice) on a grid of shapes in both builds, against the documented
 * thresholds; and a model's choices in its plan, its layout (scratch:lut, batch group) and the
 * report's reasons.
 */
import { describe, expect, it } from 'vitest';
import { syntheticModel } from '../../bench/synthetic-models.js';
import type { Flavor } from '../../codegen/compile-as.js';
import { planMemory } from '../../codegen/layout.js';
import { selfTestVectors } from '../../codegen/self-test-vectors.js';
import { kernelReasonText } from '../../compiler/plan/describe.js';
import { planModel } from '../../compiler/plan/plan-model.js';
import type { KernelName } from '../../core/plan.js';
import { KERNEL_NAMES, kernelLibrary } from '../kernels/place.js';

/** The documented rule (docs/performance.md): LUT8 from 64 rows (SIMD) or 256 (scalar), LUT4 from 8, tables within 512 KiB. */
function expectedKernel(rows: number, cols: number, lut: boolean, flavor: Flavor): KernelName {
  if (!lut || cols % 8 !== 0) return 'flip-add';
  if (rows >= (flavor === 'simd' ? 64 : 256) && cols * 128 <= 512 * 1024) return 'lut8';
  if (rows >= 8 && cols * 16 <= 512 * 1024) return 'lut4';
  return 'flip-add';
}

describe.each<Flavor>(['simd', 'scalar'])('kernel choice, %s build', (flavor) => {
  it('follows the documented thresholds on every shape of a grid', async () => {
    const { exports } = await kernelLibrary<{ memory: WebAssembly.Memory; kernel_choice(rows: number, cols: number, lut: number): number }>(flavor, 0);
    const sizes = [1, 4, 7, 8, 12, 16, 63, 64, 65, 128, 255, 256, 1024, 4096, 4104, 32768, 32776, 65536];
    for (const rows of sizes) {
      for (const cols of sizes) {
        for (const lut of [true, false]) {
          expect(KERNEL_NAMES.get(exports.kernel_choice(rows, cols, lut ? 1 : 0)), `${rows} x ${cols} lut=${lut}`).toBe(expectedKernel(rows, cols, lut, flavor));
        }
      }
    }
  });
});

describe('kernel selection in a plan and its layout', () => {
  it('sizes scratch:lut for the largest table and keeps table-free builds table-free', () => {
    const model = syntheticModel({ kind: 'block-diagonal', n: 1024, block: 64 });
    const tests = selfTestVectors(model, 1);
    const plan = planModel(model, { maxBatch: 1 });
    expect(plan.matrices.map((m) => m.kernel.simd)).toEqual(new Array(model.matrices.length).fill('lut8'));
    expect(plan.matrices.find((m) => m.matrix.id === 'B')!.kernel.scalar).toBe('lut4');
    const web = planMemory(plan, tests, model.name);
    const lut = web.layout.buffers.find((b) => b.name === 'scratch:lut')!;
    expect(lut.bytes).toBe(64 * 128);
    expect(web.lookupTable).toBe(lut.offset);
    const tableFree = planModel(model, { maxBatch: 1, tableBytesLimit: 0 });
    expect(tableFree.matrices.every((m) => m.kernel.simd === 'flip-add' && m.scratchBytes.simd === 0 && m.reason.simd === 'no-tables')).toBe(true);
    const mcu = planMemory(tableFree, tests, model.name);
    expect(mcu.lookupTable).toBe(0);
    expect(mcu.layout.buffers.some((b) => b.name === 'scratch:lut')).toBe(false);
  });

  it('gives infer_batch a batch group of vectors and batch-inner scratch where a lookup kernel runs', async () => {
    const model = syntheticModel({ kind: 'dense', n: 256 });
    const tests = selfTestVectors(model, 1);
    const bytesOf = (memory: ReturnType<typeof planMemory>, name: string): number => memory.layout.buffers.find((b) => b.name === name)!.bytes;
    const web = planMemory(planModel(model, { maxBatch: 40 }), tests, model.name);
    expect(web.layout.batchGroup).toBe(32);
    expect(bytesOf(web, 'state:x')).toBe(4 * 32 * model.state);
    expect(bytesOf(web, 'scratch:z')).toBe(4 * 32 * model.state);
    const { exports } = await kernelLibrary<{ memory: WebAssembly.Memory; batch_scratch_bytes(rows: number, cols: number, count: number): number }>('simd', 0);
    const largest = Math.max(...model.matrices.map((m) => exports.batch_scratch_bytes(m.rows, m.cols, 32)));
    expect(bytesOf(web, 'scratch:lut')).toBe(largest);
    expect(planModel(model, { maxBatch: 5 }).batchGroup).toBe(5);
    const mcu = planMemory(planModel(model, { maxBatch: 40, tableBytesLimit: 0 }), tests, model.name);
    expect(mcu.layout.batchGroup).toBe(1);
    expect(bytesOf(mcu, 'state:x')).toBe(4 * model.state);
  });

  it('runs narrow bands over diagonals, and says why a matrix stays on flip-and-add', () => {
    const model = syntheticModel({ kind: 'banded', n: 256, block: 8 });
    const plan = planModel(model, { maxBatch: 40 });
    // W_k: 17 diagonals x 256 rows; B (256 x 128) has empty rows from 137 on, so its diagonals would be half padding.
    const ws = plan.matrices.filter((m) => m.matrix.id !== 'B');
    expect(ws.every((m) => m.kernel.simd === 'diagonal' && m.kernel.scalar === 'diagonal' && m.bitLayout === 'diagonal-major')).toBe(true);
    expect(plan.matrices.find((m) => m.matrix.id === 'B')).toMatchObject({ kernel: { simd: 'flip-add' }, bitLayout: 'canonical' });
    const memory = planMemory(plan, selfTestVectors(model, 1), model.name);
    expect(memory.layout.batchGroup, 'no batch-inner form: one input at a time').toBe(1);
    expect(memory.layout.buffers.find((b) => b.name === 'scratch:lut')!.bytes).toBe(Math.max(...plan.matrices.map((m) => m.scratchBytes.simd)));
    const mcu = planModel(model, { tableBytesLimit: 0 });
    expect(mcu.matrices.every((m) => m.kernel.simd === 'flip-add' && m.bitLayout === 'canonical' && /no table scratch/.test(kernelReasonText(mcu, m, 'simd')))).toBe(true);
    const wide = planModel(syntheticModel({ kind: 'banded', n: 64, block: 50 }));
    expect(wide.matrices.every((m) => m.kernel.simd === 'flip-add' && /banded: diagonals/.test(kernelReasonText(wide, m, 'simd')))).toBe(true);
  });
});
