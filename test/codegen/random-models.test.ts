/**
 * Random-model suite x runners: seeded models from test/support/random-model.ts (every structure
 * kind, threshold, relax, residual, tied weights, readout, awkward sizes) through the float64
 * reference and both specialized builds. PIBINN_RANDOM_MODELS sets how many (default 40;
 * PIBINN_RANDOM_SEED the first seed) so a long run of 200 needs no code change.
 */
import { describe, expect, it } from 'vitest';
import { buildModelInMemory } from '../../codegen/build.js';
import { mulberry32 } from '../../compiler/util/seeded-random.js';
import { randomModel, STRUCTURE_KINDS } from '../support/random-model.js';
import { expectAgreement, instantiate, referenceOutputs, runBatch } from './harness.js';

const COUNT = Number(process.env.PIBINN_RANDOM_MODELS ?? 40);
const FIRST_SEED = Number(process.env.PIBINN_RANDOM_SEED ?? 1000);
const INPUTS_PER_MODEL = 6;

// The first models force each structure kind on every matrix, so each kind is covered alone.
const cases = Array.from({ length: COUNT }, (_, i) => ({
  seed: FIRST_SEED + i,
  structure: i < STRUCTURE_KINDS.length ? STRUCTURE_KINDS[i] : undefined,
}));

describe('random models', () => {
  it.each(cases)('seed $seed (structure $structure) agrees across reference, SIMD and scalar', async ({ seed, structure }) => {
    const model = randomModel(seed, { structure });
    const random = mulberry32(seed);
    const inputs = Float32Array.from({ length: INPUTS_PER_MODEL * model.input.size }, () => 2 * random() - 1);
    const expected = referenceOutputs(model, inputs, INPUTS_PER_MODEL);
    const built = await buildModelInMemory(model, { maxBatch: 4 }); // < INPUTS_PER_MODEL: exercises chunking
    for (const flavor of ['simd', 'scalar'] as const) {
      const m = await instantiate(built.wasm[flavor]!);
      expect(m.self_test()).toBe(0);
      const outputs = runBatch(m, inputs, INPUTS_PER_MODEL);
      const { borderline } = expectAgreement(`seed ${seed} ${flavor}`, model, inputs, outputs, expected, INPUTS_PER_MODEL);
      if (borderline > 0) console.info(`seed ${seed} ${flavor}: ${borderline} hard-threshold tie(s) within float32 rounding`);
    }
  });
});
