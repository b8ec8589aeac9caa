/**
 * The benchmark's dense peers (bench/peers/) compute the same network: on every conformance
 * model (residual terms, readouts, vector parameters, all threshold kinds) the plain-JS float32
 * peer agrees with the float64 reference to float32 rounding and the int8 WebAssembly SIMD peer
 * to its 8-bit quantization error; a benchmark against a wrong peer would mean nothing.
 */
import { describe, expect, it } from 'vitest';
import { denseInt8Runner } from '../../bench/peers/dense-int8.js';
import { denseJsRunner } from '../../bench/peers/dense-js.js';
import { relativeL2 } from '../../compiler/reference/compare.js';
import { evaluate } from '../../compiler/reference/evaluate.js';
import { mulberry32 } from '../../compiler/util/seeded-random.js';
import { CONFORMANCE_MODELS, loadConformanceModel } from '../support/conformance.js';

describe.each(CONFORMANCE_MODELS)('dense peers on conformance %s', (name) => {
  it('agree with the float64 reference (JS float32 to 1e-5, int8 to 5e-2)', async () => {
    const { model } = loadConformanceModel(name);
    const js = denseJsRunner(model);
    const int8 = await denseInt8Runner(model);
    const random = mulberry32(11);
    for (let t = 0; t < 3; t++) {
      const y = Float32Array.from({ length: model.input.size }, () => random() * 2 - 1);
      const reference = evaluate(model, y);
      expect(relativeL2(js(y), reference), `JS input ${t}`).toBeLessThanOrEqual(1e-5);
      const error = relativeL2(int8(y), reference);
      expect(error, `int8 input ${t}`).toBeLessThanOrEqual(5e-2);
      // Not vacuously exact: the int8 peer really quantizes (unless the output is all zeros).
      if (reference.some((v) => v !== 0)) expect(error, `int8 input ${t}`).toBeGreaterThan(0);
    }
  });
});
