/**
 * The CLI's commands, one function each, declared in one table (name, options, help) so the
 * usage text and the parser cannot drift apart.
 */
import { basename, resolve } from 'node:path';
import { writeContainer } from '../container/write.js';
import { fail, formatDiagnostic, type Diagnostic, type SourceLocator } from '../diagnostics/diagnostic.js';
import { encodeNpy, parseNpy } from '../io/npy.js';
import type { IRModel } from '../ir/types.js';
import type { LoadOptions } from '../load/load-model.js';
import { evaluate, evaluateTrace } from '../reference/evaluate.js';
import { buildFootprint } from '../report/footprint.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderText } from '../report/render-text.js';
import { openModel, readInput } from './open-model.js';
import { writeFileAtomic } from './write-atomic.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly description: string;
}
type Options = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | undefined>;

export interface CommandContext {
  readonly positionals: readonly string[];
  readonly values: Values;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  readonly run: (context: CommandContext) => number | Promise<number>;
}

const MODEL_OPTIONS: Options = {
  'allow-unused': { type: 'boolean', description: 'accept matrices no layer uses (an error by spec section 4) with a warning' },
};

const REPORT_OPTIONS: Options = {
  json: { type: 'boolean', description: 'print the report as JSON (schema/footprint-report.schema.json)' },
  md: { type: 'boolean', description: 'print the report as Markdown' },
};

export const COMMANDS: Record<string, Command> = {
  compile: {
    summary: 'validate a model.json, write its .pibinn container and print the footprint report',
    usage: 'pibinn-compile [compile] <model.json> [-o <out.pibinn>] [--json | --md] [--quiet]',
    options: {
      output: { type: 'string', short: 'o', description: 'container path (default: ./<model name>.pibinn)' },
      quiet: { type: 'boolean', short: 'q', description: 'do not print the report' },
      ...MODEL_OPTIONS,
      ...REPORT_OPTIONS,
    },
    run: ({ positionals, values, out, err }) => {
      const opened = openModel(single(positionals, 'model.json'), loadOptions(values));
      printWarnings(opened.warnings, err, opened.locate);
      const container = writeContainer(opened.model);
      const target = typeof values.output === 'string' ? values.output : `${opened.model.name}.pibinn`;
      writeFileAtomic(target, container);
      err(`wrote ${target} (${container.length} bytes)`);
      if (!values.quiet) out(renderReport(opened.model, values, err));
      return 0;
    },
  },
  check: {
    summary: 'validate a model.json or verify a .pibinn container; print nothing else on success',
    usage: 'pibinn-compile check <model.json | model.pibinn>',
    options: MODEL_OPTIONS,
    run: ({ positionals, values, out, err }) => {
      const path = single(positionals, 'model.json or .pibinn');
      const opened = openModel(path, loadOptions(values));
      printWarnings(opened.warnings, err, opened.locate);
      out(`${path}: ok (${opened.kind}, ${opened.model.layers.length} layers, ${opened.model.matrices.size} matrices)`);
      return 0;
    },
  },
  report: {
    summary: 'print the footprint report of a model.json or a .pibinn container',
    usage: 'pibinn-compile report <model.json | model.pibinn> [--json | --md]',
    options: { ...MODEL_OPTIONS, ...REPORT_OPTIONS },
    run: ({ positionals, values, out, err }) => {
      const opened = openModel(single(positionals, 'model.json or .pibinn'), loadOptions(values));
      printWarnings(opened.warnings, err, opened.locate);
      out(renderReport(opened.model, values, err));
      return 0;
    },
  },
  run: {
    summary: 'run the float64 reference evaluator on inputs from a .npy file (no WASM needed)',
    usage:
      'pibinn-compile run <model.json | model.pibinn> --input <y.npy> [--output <x.npy>] [--expected <x.npy>] [--tolerance <t>] [--trace]',
    options: {
      input: { type: 'string', short: 'i', description: 'inputs: .npy float32/float64, shape (n) or (batch, n)' },
      output: { type: 'string', short: 'o', description: 'write outputs as float64 .npy, shape (batch, out)' },
      expected: { type: 'string', description: 'compare with expected outputs (.npy) and report the max relative L2 error' },
      tolerance: { type: 'string', description: 'relative L2 error allowed with --expected (default 1e-9)' },
      trace: { type: 'boolean', description: 'print the state after every layer (layer-by-layer debugging)' },
      ...MODEL_OPTIONS,
    },
    run: ({ positionals, values, out, err }) => runReference(single(positionals, 'model'), values, out, err),
  },
};

function loadOptions(values: Values): LoadOptions {
  return { allowUnused: values['allow-unused'] === true };
}

function single(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1) {
    fail({ code: 'PB001', file: '<command line>', message: `expected exactly one ${what} argument`, found: `${positionals.length}` });
  }
  return positionals[0];
}

function printWarnings(warnings: readonly Diagnostic[], err: (text: string) => void, locate?: SourceLocator): void {
  for (const warning of warnings) err(formatDiagnostic(warning, locate));
}

function renderReport(model: IRModel, values: Values, err: (text: string) => void): string {
  const report = buildFootprint(model);
  printWarnings(report.warnings, err);
  if (values.json) return JSON.stringify(report, null, 2);
  if (values.md) return renderMarkdown(report);
  return renderText(report);
}

function runReference(path: string, values: Values, out: (text: string) => void, err: (text: string) => void): number {
  if (typeof values.input !== 'string') {
    fail({ code: 'PB001', file: '<command line>', message: '`run` needs --input <y.npy>' });
  }
  const { model, warnings, locate } = openModel(path, loadOptions(values));
  printWarnings(warnings, err, locate);
  const inputs = readBatch(values.input, model.input.size);
  const outputs = new Float64Array(inputs.count * model.output.size);
  for (let b = 0; b < inputs.count; b++) {
    const y = inputs.data.subarray(b * model.input.size, (b + 1) * model.input.size);
    if (values.trace) {
      const trace = evaluateTrace(model, y);
      trace.layers.forEach((x, k) => out(`input ${b} layer ${k + 1}: ${formatVector(x)}`));
      outputs.set(trace.output, b * model.output.size);
    } else {
      outputs.set(evaluate(model, y), b * model.output.size);
    }
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

function compareExpected(values: Values, outputs: Float64Array, model: IRModel, count: number, out: (text: string) => void): number {
  const expectedPath = values.expected as string;
  const expected = readBatch(expectedPath, model.output.size);
  if (expected.count !== count) {
    fail({ code: 'PB306', file: expectedPath, message: 'expected outputs and inputs differ in count', expected: `${count} rows`, found: `${expected.count}` });
  }
  const tolerance = values.tolerance === undefined ? 1e-9 : Number(values.tolerance);
  if (!(tolerance >= 0)) fail({ code: 'PB001', file: '<command line>', message: '--tolerance must be a number >= 0', found: String(values.tolerance) });
  let worst = 0;
  let squaredSum = 0;
  for (let b = 0; b < count; b++) {
    const size = model.output.size;
    const error = relativeL2(outputs.subarray(b * size, (b + 1) * size), expected.data.subarray(b * size, (b + 1) * size));
    worst = Math.max(worst, error);
    squaredSum += error * error;
  }
  const pass = worst <= tolerance;
  const nmseDb = 10 * Math.log10(squaredSum / count);
  out(
    `${basename(resolve(expectedPath))}: ${count} outputs, mean NMSE ${nmseDb.toFixed(2)} dB, max relative L2 error ${worst.toExponential(3)} (tolerance ${tolerance}): ${pass ? 'PASS' : 'FAIL'}`,
  );
  return pass ? 0 : 1;
}

export function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
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
