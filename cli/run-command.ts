/**
 * `pibinn-compile run`: the float64 reference evaluator on a batch of inputs, optionally
 * compared with expected outputs (NMSE and relative L2), or traced layer by layer.
 */
import { basename, resolve } from 'node:path';
import { fail } from '../core/diagnostics/diagnostic.js';
import { encodeNpy, parseNpy } from '../compiler/io/npy.js';
import type { IRModel } from '../core/ir.js';
import { relativeL2 } from '../compiler/reference/compare.js';
import { evaluate, evaluateTrace } from '../compiler/reference/evaluate.js';
import { loadContainer } from '../runtime/generic.js';
import type { BuildChoice } from '../runtime/select-build.js';
import { writeContainer } from '../compiler/container/write.js';
import { loadOptions, MODEL_OPTIONS, printWarnings, single, type Command, type Values } from './command.js';
import { openModel, readInput } from './open-model.js';
import { writeFileAtomic } from './write-atomic.js';
import { SPEC_RELATIVE_TOLERANCE as FLOAT32_TOLERANCE } from '../core/constants.js';

export const RUN_COMMAND: Command = {
  summary: 'run a model on inputs from a .npy file: the float64 reference evaluator, or the WebAssembly runtime (--engine)',
  usage:
    'pibinn-compile run <model.json | model.pibinn> --input <y.npy> [--engine reference | wasm | wasm-simd | wasm-scalar] [--output <x.npy>] [--expected <x.npy>] [--tolerance <t>] [--trace]',
  options: {
    input: { type: 'string', short: 'i', description: 'inputs: .npy float32/float64, shape (n) or (batch, n)' },
    output: { type: 'string', short: 'o', description: 'write outputs as float64 .npy, shape (batch, out)' },
    expected: { type: 'string', description: 'compare with expected outputs (.npy) and report the max relative L2 error' },
    tolerance: { type: 'string', description: 'relative L2 error allowed with --expected (default 1e-9)' },
    trace: { type: 'boolean', description: 'reference engine: print the state after every layer (layer-by-layer debugging)' },
    engine: {
      type: 'string',
      short: 'e',
      description: 'reference (default, float64) or the generic WebAssembly runtime: wasm (SIMD when available), wasm-simd, wasm-scalar; a wasm engine is also checked against the reference',
    },
    ...MODEL_OPTIONS,
  },
  run: ({ positionals, values, out, err }) => runModel(single(positionals, 'model'), values, out, err),
};

const WASM_ENGINES: Record<string, BuildChoice> = { wasm: 'auto', 'wasm-simd': 'simd', 'wasm-scalar': 'scalar' };
/** Spec section 6: a float32 build agrees with the float64 reference to this relative L2 error. */

async function runModel(path: string, values: Values, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  if (typeof values.input !== 'string') {
    fail({ code: 'PB001', file: '<command line>', message: '`run` needs --input <y.npy>' });
  }
  const engine = values.engine ?? 'reference';
  if (engine !== 'reference' && !(String(engine) in WASM_ENGINES)) {
    fail({ code: 'PB001', file: '<command line>', message: '--engine takes reference, wasm, wasm-simd or wasm-scalar', found: String(engine) });
  }
  const { model, warnings, locate } = openModel(path, loadOptions(values));
  printWarnings(warnings, err, locate);
  const inputs = readBatch(values.input, model.input.size);
  const reference = referenceOutputs(model, inputs, values.trace === true, out);
  let outputs = reference;
  if (engine !== 'reference') {
    const wasm = await loadContainer(writeContainer(model), { build: WASM_ENGINES[String(engine)] });
    outputs = Float64Array.from(wasm.inferBatch(Float32Array.from(inputs.data), inputs.count));
    const agreement = worstRelativeL2(outputs, reference, inputs.count, model.output.size);
    out(`${engine} (${wasm.build} build of the generic runtime) vs float64 reference: max relative L2 error ${agreement.toExponential(3)} (spec tolerance ${FLOAT32_TOLERANCE})`);
  }
  if (typeof values.output === 'string') {
    writeFileAtomic(values.output, encodeNpy(outputs, [inputs.count, model.output.size]));
    err(`wrote ${values.output} (${inputs.count} x ${model.output.size} float64)`);
  } else if (typeof values.expected !== 'string') {
    for (let b = 0; b < inputs.count; b++) {
      out(formatVector(outputs.subarray(b * model.output.size, (b + 1) * model.output.size)));
    }
  }
  if (typeof values.expected === 'string') return compareExpected(values, outputs, model, inputs.count, out);
  return 0;
}

function worstRelativeL2(actual: Float64Array, expected: Float64Array, count: number, size: number): number {
  let worst = 0;
  for (let b = 0; b < count; b++) worst = Math.max(worst, relativeL2(actual.subarray(b * size, (b + 1) * size), expected.subarray(b * size, (b + 1) * size)));
  return worst;
}

function referenceOutputs(model: IRModel, inputs: { data: Float64Array; count: number }, trace: boolean, out: (text: string) => void): Float64Array {
  const outputs = new Float64Array(inputs.count * model.output.size);
  for (let b = 0; b < inputs.count; b++) {
    const y = inputs.data.subarray(b * model.input.size, (b + 1) * model.input.size);
    if (trace) {
      const trace = evaluateTrace(model, y);
      trace.layers.forEach((x, k) => out(`input ${b} layer ${k + 1}: ${formatVector(x)}`));
      outputs.set(trace.output, b * model.output.size);
    } else {
      outputs.set(evaluate(model, y), b * model.output.size);
    }
  }
  return outputs;
}

function compareExpected(values: Values, outputs: Float64Array, model: IRModel, count: number, out: (text: string) => void): number {
  const expectedPath = values.expected as string;
  const expected = readBatch(expectedPath, model.output.size);
  if (expected.count !== count) {
    fail({ code: 'PB306', file: expectedPath, message: 'expected outputs and inputs differ in count', expected: `${count} rows`, found: `${expected.count}` });
  }
  const tolerance = values.tolerance === undefined ? 1e-9 : Number(values.tolerance);
  if (!(tolerance >= 0)) fail({ code: 'PB001', file: '<command line>', message: '--tolerance must be a number >= 0', found: String(values.tolerance) });
  let squaredSum = 0;
  for (let b = 0; b < count; b++) {
    const size = model.output.size;
    squaredSum += relativeL2(outputs.subarray(b * size, (b + 1) * size), expected.data.subarray(b * size, (b + 1) * size)) ** 2;
  }
  const worst = worstRelativeL2(outputs, expected.data, count, model.output.size);
  const pass = worst <= tolerance;
  const nmseDb = 10 * Math.log10(squaredSum / count);
  out(
    `${basename(resolve(expectedPath))}: ${count} outputs, mean NMSE ${nmseDb.toFixed(2)} dB, max relative L2 error ${worst.toExponential(3)} (tolerance ${tolerance}): ${pass ? 'PASS' : 'FAIL'}`,
  );
  return pass ? 0 : 1;
}


function readBatch(path: string, width: number): { data: Float64Array; count: number } {
  const array = parseNpy(readInput(path), path);
  const shapeOk = (array.shape.length === 1 && array.shape[0] === width) || (array.shape.length === 2 && array.shape[1] === width);
  if (!shapeOk) {
    fail({
      code: 'PB306',
      file: path,
      message: 'the array does not match the model',
      expected: `shape (${width}) or (batch, ${width})`,
      found: `(${array.shape.join(', ')})`,
      fix: 'give one vector per row, with as many columns as the model expects',
    });
  }
  return { data: Float64Array.from(array.data as ArrayLike<number>), count: array.shape.length === 1 ? 1 : array.shape[0] };
}

function formatVector(values: ArrayLike<number>): string {
  return Array.from(values, (v) => Number(v.toPrecision(9)).toString()).join(' ');
}
