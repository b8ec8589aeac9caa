/**
 * `pibinn-compile run`: the float64 reference evaluator on a batch of inputs, optionally
 * compared with expected outputs (NMSE and relative L2), or traced layer by layer.
 */
import { basename, resolve } from 'node:path';
import { fail, PibinnError } from '../core/diagnostics/diagnostic.js';
import { float32Refusals } from '../compiler/validate/float32-range.js';
import { checkLimit, resolveLimits } from '../compiler/validate/limits.js';
import { encodeNpy, parseNpy } from '../compiler/io/npy.js';
import type { IRModel } from '../core/ir.js';
import { relativeL2 } from '../compiler/reference/compare.js';
import { evaluate, evaluateTrace } from '../compiler/reference/evaluate.js';
import { loadContainer } from '../runtime/generic.js';
import type { BuildChoice } from '../runtime/select-build.js';
import { writeContainer } from '../compiler/container/write.js';
import { loadOptions, MODEL_OPTIONS, single, stringOption, type Command, type Values } from './command.js';
import type { Io } from './io.js';
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
    json: {
      type: 'boolean',
      description: 'print one JSON object: engine, outputs (unless --output), agreement with the reference, the --expected comparison, the --trace states; diagnostics become JSON Lines on stderr',
    },
    engine: {
      type: 'string',
      short: 'e',
      description: 'reference (default, float64) or the generic WebAssembly runtime: wasm (SIMD when available), wasm-simd, wasm-scalar; a wasm engine is also checked against the reference',
    },
    ...MODEL_OPTIONS,
  },
  run: ({ positionals, values, io }) => runModel(single(positionals, 'model'), values, io),
};

/** What `run --json` prints. */
interface RunResult {
  model: string;
  engine: string;
  /** The generic runtime's build for a wasm engine, else null. */
  build: string | null;
  count: number;
  outputSize: number;
  /** Row-major outputs, one array per input; null when written to --output. */
  outputs: number[][] | null;
  output: string | null;
  /** Worst relative L2 error of a wasm engine against the float64 reference; null for the reference itself. */
  agreementWithReference: number | null;
  expected: { file: string; meanNmseDb: number; maxRelativeL2: number; tolerance: number; pass: boolean } | null;
  /** --trace: per input, the state after every layer. */
  trace: number[][][] | null;
}

const WASM_ENGINES: Record<string, BuildChoice> = { wasm: 'auto', 'wasm-simd': 'simd', 'wasm-scalar': 'scalar' };
/** Spec section 6: a float32 build agrees with the float64 reference to this relative L2 error. */

async function runModel(path: string, values: Values, io: Io): Promise<number> {
  const input = stringOption(values, 'input');
  if (input === undefined) {
    fail({ code: 'PB001', file: '<command line>', message: '`run` needs --input <y.npy>' });
  }
  const engine = stringOption(values, 'engine') ?? 'reference';
  if (engine !== 'reference' && !Object.hasOwn(WASM_ENGINES, engine)) {
    fail({ code: 'PB001', file: '<command line>', message: '--engine takes reference, wasm, wasm-simd or wasm-scalar', found: engine });
  }
  if (values.trace && engine !== 'reference') fail({ code: 'PB001', file: '<command line>', message: '--trace shows the float64 reference evaluator\'s states; it cannot be combined with --engine ' + engine, fix: 'drop --trace, or use --engine reference' });
  if (values.tolerance !== undefined && values.expected === undefined) fail({ code: 'PB001', file: '<command line>', message: '--tolerance applies to --expected, which is missing', fix: 'add --expected <x.npy>, or drop --tolerance' });
  const options = loadOptions(values);
  const { model, warnings, locate } = openModel(path, options);
  const float32 = engine === 'reference' ? [] : float32Refusals(warnings, `--engine ${engine} (float32)`);
  if (float32.length > 0) throw new PibinnError(float32, locate);
  io.diagnostics(warnings, locate);
  const inputs = readBatch(input, model.input.size);
  // Outputs (and traced states) are held for every input: counted before they are allocated.
  const held = inputs.count * (model.output.size + (values.trace === true ? model.layers.length * model.state : 0));
  const tooMany = checkLimit(resolveLimits(options.limits), 'maxRunValues', held, input, undefined, `${inputs.count} inputs x ${model.output.size} outputs${values.trace === true ? ` + ${model.layers.length} traced states of ${model.state}` : ''}: values to hold`);
  if (tooMany !== undefined) throw new PibinnError(tooMany);
  const result: RunResult = {
    model: model.name, engine, build: null, count: inputs.count, outputSize: model.output.size,
    outputs: null, output: null, agreementWithReference: null, expected: null, trace: null,
  };
  const reference = referenceOutputs(model, inputs, values.trace === true ? (result.trace = []) : undefined);
  let outputs = reference;
  if (engine !== 'reference') {
    const wasm = await loadContainer(writeContainer(model), { build: WASM_ENGINES[engine] });
    outputs = Float64Array.from(wasm.inferBatch(Float32Array.from(inputs.data), inputs.count));
    result.build = wasm.build;
    result.agreementWithReference = worstRelativeL2(outputs, reference, inputs.count, model.output.size);
  }
  const target = stringOption(values, 'output');
  if (target !== undefined) {
    writeFileAtomic(target, encodeNpy(outputs, [inputs.count, model.output.size]));
    io.note(`wrote ${target} (${inputs.count} x ${model.output.size} float64)`);
    result.output = target;
  } else {
    result.outputs = Array.from({ length: inputs.count }, (_, b) => Array.from(outputs.subarray(b * model.output.size, (b + 1) * model.output.size)));
  }
  const expectedPath = stringOption(values, 'expected');
  if (expectedPath !== undefined) result.expected = compareExpected(expectedPath, values, outputs, model, inputs.count);
  if (io.json) io.result(JSON.stringify(result));
  else printRun(result, io);
  return result.expected === null || result.expected.pass ? 0 : 1;
}

/** The human-readable form of a run: trace lines, the engine's agreement, outputs (unless compared or written), the comparison. */
function printRun(result: RunResult, io: Io): void {
  result.trace?.forEach((layers, b) => layers.forEach((x, k) => io.result(`input ${b} layer ${k + 1}: ${formatVector(x)}`)));
  if (result.agreementWithReference !== null) {
    io.result(`${result.engine} (${result.build} build of the generic runtime) vs float64 reference: max relative L2 error ${result.agreementWithReference.toExponential(3)} (spec tolerance ${FLOAT32_TOLERANCE})`);
  }
  if (result.outputs !== null && result.expected === null) for (const row of result.outputs) io.result(formatVector(row));
  const e = result.expected;
  if (e !== null) {
    io.result(`${basename(resolve(e.file))}: ${result.count} outputs, mean NMSE ${e.meanNmseDb.toFixed(2)} dB, max relative L2 error ${e.maxRelativeL2.toExponential(3)} (tolerance ${e.tolerance}): ${e.pass ? 'PASS' : 'FAIL'}`);
  }
}

function worstRelativeL2(actual: Float64Array, expected: Float64Array, count: number, size: number): number {
  let worst = 0;
  for (let b = 0; b < count; b++) worst = Math.max(worst, relativeL2(actual.subarray(b * size, (b + 1) * size), expected.subarray(b * size, (b + 1) * size)));
  return worst;
}

function referenceOutputs(model: IRModel, inputs: { data: Float64Array; count: number }, trace: number[][][] | undefined): Float64Array {
  const outputs = new Float64Array(inputs.count * model.output.size);
  for (let b = 0; b < inputs.count; b++) {
    const y = inputs.data.subarray(b * model.input.size, (b + 1) * model.input.size);
    if (trace !== undefined) {
      const traced = evaluateTrace(model, y);
      trace.push(traced.layers.map((x) => Array.from(x)));
      outputs.set(traced.output, b * model.output.size);
    } else {
      outputs.set(evaluate(model, y), b * model.output.size);
    }
  }
  return outputs;
}

function compareExpected(expectedPath: string, values: Values, outputs: Float64Array, model: IRModel, count: number): NonNullable<RunResult['expected']> {
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
  return { file: expectedPath, meanNmseDb: 10 * Math.log10(squaredSum / count), maxRelativeL2: worst, tolerance, pass: worst <= tolerance };
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
