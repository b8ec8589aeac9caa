/**
 * The error a quantized-activation build (k-bit, bit-serial kernel) makes against the float64
 * reference, measured when it is built: spec section 6 says such builds are approximations whose
 * error is measured and reported, never assumed.
 */
import type { IRModel } from '../core/ir.js';
import { relativeL2 } from '../compiler/reference/compare.js';
import { evaluate } from '../compiler/reference/evaluate.js';
import type { ActivationQuantization } from '../compiler/report/runtime.js';
import { mulberry32 } from '../compiler/util/seeded-random.js';

const INPUTS = 16;
const SEED = 20261125;

interface InferExports {
  memory: WebAssembly.Memory;
  infer(): void;
  input_ptr(): number;
  output_ptr(): number;
}

export async function measureActivationError(model: IRModel, wasm: Uint8Array<ArrayBuffer>, bits: number): Promise<ActivationQuantization> {
  const { instance } = await WebAssembly.instantiate(wasm, {});
  const ex = instance.exports as unknown as InferExports;
  const random = mulberry32(SEED);
  let sum = 0;
  let max = 0;
  for (let n = 0; n < INPUTS; n++) {
    const y = Float32Array.from({ length: model.input.size }, () => random() * 2 - 1);
    new Float32Array(ex.memory.buffer, ex.input_ptr(), y.length).set(y);
    ex.infer();
    const error = relativeL2(new Float32Array(ex.memory.buffer, ex.output_ptr(), model.output.size), evaluate(model, y));
    sum += error;
    max = Math.max(max, error);
  }
  return { bits, inputs: INPUTS, meanRelativeL2: sum / INPUTS, maxRelativeL2: max };
}
