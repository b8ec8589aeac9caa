/**
 * Builds with k-bit activations (BuildOptions.activationBits): their error against the float64
 * reference on random dense and block-diagonal models stays under the documented bounds at k = 8
 * and 16 and shrinks from k = 4 to 8 to 16; the SIMD and scalar builds agree bit for bit (the
 * products are integer sums); other structure kinds keep their float kernel and say so.
 */
import { describe, expect, it } from 'vitest';
import { buildModelInMemory } from '../../codegen/build.js';
import { selfTestTolerance } from '../../codegen/emit-module.js';
import { relativeL2 } from '../../compiler/reference/compare.js';
import { evaluate } from '../../compiler/reference/evaluate.js';
import type { IRModel } from '../../core/ir.js';
import { PibinnError } from '../../core/diagnostics/diagnostic.js';
import { createRng, randomModel } from '../support/random-model.js';
import { instantiate, runBatch } from './harness.js';
import { kernelReasonText } from '../../compiler/plan/describe.js';

/** Documented bounds on the mean relative L2 error over inputs (docs/performance.md). */
const MEAN_ERROR_BOUND: Record<number, number> = { 8: 0.03, 16: 1e-4 };
const INPUTS = 8;

function randomInputs(model: IRModel, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: INPUTS * model.input.size }, () => rng.uniform(-1, 1));
}

function meanError(model: IRModel, inputs: Float32Array, outputs: Float32Array): number {
  let sum = 0;
  for (let t = 0; t < INPUTS; t++) {
    const input = inputs.subarray(t * model.input.size, (t + 1) * model.input.size);
    const actual = Array.from(outputs.subarray(t * model.output.size, (t + 1) * model.output.size));
    sum += relativeL2(actual, Array.from(evaluate(model, input)));
  }
  return sum / INPUTS;
}

describe.each(['dense', 'block-diagonal'] as const)('k-bit activations, %s models', (structure) => {
  it.each([1, 2, 3, 4])('seed %i: error under the bounds, decreasing with k, SIMD = scalar', async (seed) => {
    const model = randomModel(seed, { structure });
    const inputs = randomInputs(model, seed + 1000);
    const errors: number[] = [];
    for (const bits of [4, 8, 16]) {
      const built = await buildModelInMemory(model, { activationBits: bits });
      expect(built.plan.matrices.every((m) => m.kernel.simd === 'bit-serial' && m.kernel.scalar === 'bit-serial')).toBe(true);
      const simd = runBatch(await instantiate(built.wasm.simd!), inputs, INPUTS);
      const scalar = runBatch(await instantiate(built.wasm.scalar!), inputs, INPUTS);
      expect(scalar).toEqual(simd);
      errors.push(meanError(model, inputs, simd));
    }
    const [k4, k8, k16] = errors;
    expect(k8).toBeLessThan(MEAN_ERROR_BOUND[8]);
    expect(k16).toBeLessThan(MEAN_ERROR_BOUND[16]);
    expect(k8).toBeLessThan(k4);
    expect(k16).toBeLessThan(k8);
  });
});

describe('k-bit activation builds', () => {
  it('keep banded, blocks and mask products on their float kernel and report why', async () => {
    const model = randomModel(7);
    const kinds = new Set(model.matrices.map((m) => m.structure.kind));
    expect(kinds.has('dense') || kinds.has('block-diagonal')).toBe(true);
    expect(kinds.size).toBeGreaterThan(1);
    const built = await buildModelInMemory(model, { activationBits: 8, builds: ['scalar'] });
    for (const planned of built.plan.matrices) {
      const { id, structure: { kind } } = planned.matrix;
      const bitSerial = kind === 'dense' || kind === 'block-diagonal';
      expect(planned.kernel.scalar, `${id} (${kind})`).toBe(bitSerial ? 'bit-serial' : 'flip-add');
      if (!bitSerial) expect(kernelReasonText(built.plan, planned, 'scalar')).toContain('bit-serial covers dense and block-diagonal only');
    }
    expect(built.layout.activationBits).toBe(8);
    expect(built.source).toContain('matvecBitSerialBatch');
  });

  it('leave float builds as they were', async () => {
    const built = await buildModelInMemory(randomModel(1, { structure: 'dense' }), { builds: ['scalar'] });
    expect(built.layout.activationBits).toBeUndefined();
    expect(built.source).not.toContain('bitSerial');
    expect(built.plan.matrices.some((m) => m.kernel.scalar === 'bit-serial')).toBe(false);
  });

  it('self-test with a tolerance that shrinks with k', () => {
    expect(selfTestTolerance(undefined)).toBe(1e-5);
    expect(selfTestTolerance(8)).toBeCloseTo(16 / 127);
    expect(selfTestTolerance(16)).toBeLessThan(selfTestTolerance(8));
  });

  it.each([1, 17, 4.5])('refuse activationBits %s (PB001)', async (bits) => {
    await expect(buildModelInMemory(randomModel(1), { activationBits: bits })).rejects.toSatisfy(
      (e: unknown) => e instanceof PibinnError && e.diagnostics[0].code === 'PB001',
    );
  });
});
