/**
 * Test vectors embedded in every module for `self_test()`: seeded unit-scale inputs and the
 * float64 reference evaluator's outputs for exactly those (f32) inputs. Inputs that bring a
 * `hard` threshold decision within float32 rounding of theta are skipped while alternatives
 * remain, since either outcome would be correct there.
 */
import type { IRModel } from '../core/ir.js';
import { evaluate } from '../compiler/reference/evaluate.js';
import type { SelfTestVectors } from './layout.js';
import { mulberry32 } from '../compiler/util/seeded-random.js';
import { BORDERLINE_MARGIN, hardThresholdMargin } from './threshold-margin.js';

const MAX_VECTORS = 4;
/** Keeps the embedded vectors small next to big models' inputs. */
const BYTE_BUDGET = 256 * 1024;
const CANDIDATES_PER_VECTOR = 4;
const SEED = 0x5eed;

/** `maxVectors` lets a target short of memory (an MCU's flash) embed fewer vectors. */
export function selfTestVectors(model: IRModel, maxVectors = MAX_VECTORS): SelfTestVectors {
  const perVector = 4 * (model.input.size + model.output.size);
  const count = Math.max(1, Math.min(maxVectors, Math.floor(BYTE_BUDGET / perVector)));
  const random = mulberry32(SEED);
  const inputs = new Float32Array(count * model.input.size);
  const expected = new Float32Array(count * model.output.size);
  for (let t = 0, tries = 0; t < count; tries++) {
    const input = inputs.subarray(t * model.input.size, (t + 1) * model.input.size);
    for (let i = 0; i < input.length; i++) input[i] = 2 * random() - 1;
    const lastChance = tries >= CANDIDATES_PER_VECTOR * count;
    if (!lastChance && hardThresholdMargin(model, input) < BORDERLINE_MARGIN) continue;
    expected.set(evaluate(model, input), t * model.output.size);
    t++;
  }
  return { count, inputs, expected };
}
