/**
 * Test-side runners for specialized modules: instantiate raw .wasm bytes and push inputs through
 * the documented exports, and the agreement check of spec section 6 (relative L2 <= 1e-5, except
 * a `hard` decision within float32 rounding of theta).
 */
import { expect } from 'vitest';
import type { IRModel } from '../../core/ir.js';
import { evaluate } from '../../compiler/reference/evaluate.js';
import { BORDERLINE_MARGIN, hardThresholdMargin } from '../../codegen/threshold-margin.js';
import { relativeL2 } from '../../compiler/reference/compare.js';
import type { InferenceExports } from '../../runtime/session.js';
import { SPEC_RELATIVE_TOLERANCE } from '../../core/constants.js';

export const TOLERANCE = SPEC_RELATIVE_TOLERANCE;

/** The documented exports (docs/abi.md), as the embedding API types them. */
export type ModuleExports = InferenceExports & { self_test(): number };

export async function instantiate(bytes: Uint8Array<ArrayBuffer>): Promise<ModuleExports> {
  const module = await WebAssembly.compile(bytes);
  expect(WebAssembly.Module.imports(module)).toEqual([]);
  return (await WebAssembly.instantiate(module, {})).exports as unknown as ModuleExports;
}

/** Runs `count` row-major inputs through infer_batch, max_batch() at a time. */
export function runBatch(m: ModuleExports, inputs: Float32Array, count: number): Float32Array {
  const inSize = m.input_size();
  const outSize = m.output_size();
  const outputs = new Float32Array(count * outSize);
  for (let done = 0; done < count; ) {
    const n = Math.min(m.max_batch(), count - done);
    new Float32Array(m.memory.buffer, m.input_ptr(), n * inSize).set(inputs.subarray(done * inSize, (done + n) * inSize));
    expect(m.infer_batch(n)).toBe(n);
    outputs.set(new Float32Array(m.memory.buffer, m.output_ptr(), n * outSize), done * outSize);
    done += n;
  }
  return outputs;
}


export interface Agreement {
  /** Inputs whose error exceeded the tolerance only because a hard decision sat on theta. */
  borderline: number;
  worst: number;
}

/**
 * Asserts every output row agrees with its float64 expectation; a row over tolerance passes only
 * if the reference run has a hard-threshold decision within BORDERLINE_MARGIN of theta.
 */
export function expectAgreement(
  label: string, model: IRModel, inputs: Float32Array, actual: Float32Array, expected: ArrayLike<number>, count: number,
): Agreement {
  const inSize = model.input.size;
  const outSize = model.output.size;
  let borderline = 0;
  let worst = 0;
  for (let t = 0; t < count; t++) {
    const row = (a: ArrayLike<number>, size: number) => Array.prototype.slice.call(a, t * size, (t + 1) * size) as number[];
    const error = relativeL2(row(actual, outSize), row(expected, outSize));
    if (error <= TOLERANCE) {
      worst = Math.max(worst, error);
      continue;
    }
    const margin = hardThresholdMargin(model, inputs.subarray(t * inSize, (t + 1) * inSize));
    if (margin < BORDERLINE_MARGIN) {
      borderline++;
      continue;
    }
    expect.fail(`${label}: input ${t}: relative L2 error ${error.toExponential(3)} > ${TOLERANCE} (hard-threshold margin ${margin})`);
  }
  return { borderline, worst };
}

/** The float64 reference outputs of `count` row-major inputs. */
export function referenceOutputs(model: IRModel, inputs: Float32Array, count: number): Float64Array {
  const out = new Float64Array(count * model.output.size);
  for (let t = 0; t < count; t++) {
    out.set(evaluate(model, inputs.subarray(t * model.input.size, (t + 1) * model.input.size)), t * model.output.size);
  }
  return out;
}
