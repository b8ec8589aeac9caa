/**
 * `pibinn-compile build`: the WebAssembly target (specialized SIMD + scalar modules, loader,
 * typings, C header, container, report with its runtime section) or the MCU target (a folder of
 * C for a firmware project, optionally measured on emulated Cortex-M boards for the report).
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { BuildStep } from '../codegen/build.js';
import type { Flavor } from '../codegen/compile-as.js';
import type { McuLayout } from '../codegen/mcu/build-mcu.js';
import { fail, PibinnError } from '../core/diagnostics/diagnostic.js';
import { checkBuildLimits, type BuildTarget } from '../compiler/validate/build-limits.js';
import { float32Refusals } from '../compiler/validate/float32-range.js';
import { resolveLimits } from '../compiler/validate/limits.js';
import { parseNpy } from '../compiler/io/npy.js';
import type { IRModel } from '../core/ir.js';
import { mulberry32 } from '../compiler/util/seeded-random.js';
import { writeContainer } from '../compiler/container/write.js';
import { provenanceOf } from '../compiler/report/provenance.js';
import { renderHtml } from '../compiler/report/render-html.js';
import { footprintOptions, loadOptions, MODEL_OPTIONS, renderReport, reportOf, REPORT_FORMATS, REPORT_OPTIONS, single, stringOption, type Command, type Values } from './command.js';
import type { Io } from './io.js';
import { openModel, readInput } from './open-model.js';
import { writeFileAtomic } from './write-atomic.js';

/** Test vectors the firmware runs per board and variant when measuring. */
const MCU_VECTORS = 2;

export const BUILD_COMMAND: Command = {
  summary: 'compile a model to WebAssembly (SIMD + scalar, loader, .d.ts, C header, report JSON + HTML) or to C for Cortex-M (--target mcu)',
  usage:
    'pibinn-compile build <model.json | model.pibinn> [--target wasm | mcu] [--out-dir <dir>] [--builds simd,scalar] [--threads] [--max-batch <n>] [--activation-bits <k>] [--layout flash | ram] [--measure [--input <y.npy>]] [--json | --md | --html] [--quiet]',
  options: {
    target: { type: 'string', short: 't', description: 'wasm (default) or mcu (wasm2c C for bare-metal Cortex-M)' },
    'out-dir': { type: 'string', short: 'd', description: 'output folder (default: build/<model name>, build/<model name>-mcu)' },
    builds: { type: 'string', description: 'wasm: comma-separated flavours to build: simd, scalar (default: both)' },
    threads: { type: 'boolean', description: 'wasm: also build <name>.threads.wasm, which splits batch-1 products with a helper thread (run it with loadThreaded)' },
    'max-batch': { type: 'string', description: 'wasm: input vectors per infer_batch call (default: up to 64, within 4 MiB)' },
    'activation-bits': {
      type: 'string',
      description: 'wasm: quantize activations to k bits (2..16) and use the bit-serial popcount kernel on dense and block-diagonal matrices (an approximation: see the report)',
    },
    layout: { type: 'string', description: 'mcu: flash (default; weights stay in flash) or ram (the web build as is)' },
    measure: { type: 'boolean', description: 'mcu: build the example firmware for both emulated boards, run it in QEMU and add the MCU section to the report' },
    input: { type: 'string', short: 'i', description: 'mcu --measure: test vectors (.npy, one per row; default: seeded uniform [-1, 1])' },
    quiet: { type: 'boolean', short: 'q', description: 'print neither the report nor progress' },
    ...MODEL_OPTIONS,
    ...REPORT_OPTIONS,
  },
  conflicts: [REPORT_FORMATS],
  run: async ({ positionals, values, io }) => {
    const target = stringOption(values, 'target') ?? 'wasm';
    if (target !== 'wasm' && target !== 'mcu') fail({ code: 'PB001', file: '<command line>', message: '--target takes wasm or mcu', found: target });
    refuseOtherTargetOptions(target, values);
    const path = single(positionals, 'model.json or .pibinn');
    const options = loadOptions(values);
    const opened = openModel(path, options);
    // What only warns elsewhere stops a float32 build.
    const float32 = float32Refusals(opened.warnings, target === 'wasm' ? 'the WebAssembly build' : 'the MCU build');
    if (float32.length > 0) throw new PibinnError(float32, opened.locate);
    io.diagnostics(opened.warnings, opened.locate);
    const tooBig = checkBuildLimits(opened.model, resolveLimits(options.limits), target, path);
    if (tooBig.length > 0) throw new PibinnError(tooBig);
    const report = target === 'wasm' ? await buildWasm(opened.model, values, io) : await buildMcu(opened.model, values, io);
    if (!values.quiet) io.result(renderReport(report, values));
    return 0;
  },
};

const TARGET_OPTIONS: Record<BuildTarget, readonly string[]> = {
  wasm: ['builds', 'threads', 'max-batch', 'activation-bits'],
  mcu: ['layout', 'measure', 'input'],
};

/** An option of the other target would be ignored silently; it is refused instead. */
function refuseOtherTargetOptions(target: BuildTarget, values: Values): void {
  const other: BuildTarget = target === 'wasm' ? 'mcu' : 'wasm';
  const given = TARGET_OPTIONS[other].filter((name) => values[name] !== undefined);
  if (given.length > 0) {
    fail({
      code: 'PB001',
      file: '<command line>',
      message: `${given.map((n) => `--${n}`).join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to --target ${other}, not ${target}`,
      fix: target === 'wasm' ? 'add --target mcu, or drop the option' : 'drop the option, or build the WebAssembly target (--target wasm)',
    });
  }
}

async function buildWasm(model: IRModel, values: Values, io: Io) {
  // Imported on use: the AssemblyScript compiler and binaryen cost ~1 s and ~150 MB to load,
  // which the other commands should not pay.
  const { buildArtifacts } = await import('../codegen/artifacts.js');
  const onProgress = (s: BuildStep) => io.progress(`build ${s.module} (${s.index}/${s.total}): ${STEP_TEXT[s.step]}`);
  const artifacts = await buildArtifacts(
    model,
    { builds: parseFlavors(values.builds), maxBatch: parseMaxBatch(values['max-batch']), activationBits: parseActivationBits(values['activation-bits']), threads: values.threads === true, onProgress },
    footprintOptions(values),
  );
  const dir = stringOption(values, 'out-dir') ?? join('build', model.name);
  for (const [name, contents] of artifacts.files) writeFileAtomic(join(dir, name), contents);
  io.note(`wrote ${[...artifacts.files.keys()].join(', ')} to ${dir}`);
  io.diagnostics(artifacts.report.warnings);
  return artifacts.report;
}

const STEP_TEXT: Record<BuildStep['step'], string> = {
  compile: 'compiling AssemblyScript',
  optimize: 'embedding the weights, optimizing and validating (binaryen)',
  'self-test': 'running the embedded self-test',
};

async function buildMcu(model: IRModel, values: Values, io: Io) {
  const layout = stringOption(values, 'layout') ?? 'flash';
  if (layout !== 'flash' && layout !== 'ram') fail({ code: 'PB001', file: '<command line>', message: '--layout takes flash or ram', found: layout });
  const dir = stringOption(values, 'out-dir') ?? join('build', `${model.name}-mcu`);
  // Built beside the destination and renamed into place, so a failure leaves no partial folder.
  const staging = join(dirname(dir), `.${basename(dir)}.${process.pid}.tmp`);
  const { buildMcuTarget } = await import('../codegen/mcu/build-mcu.js');
  try {
    io.progress('build mcu: compiling the scalar WebAssembly build and translating it to C (wasm2c)');
    const built = await buildMcuTarget(model, { outDir: staging, layout: layout as McuLayout });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    io.note(`wrote ${[...built.files.sources, ...built.files.headers, ...built.files.included].join(', ')} to ${dir}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const container = writeContainer(model);
  let report = reportOf(model, values, io, provenanceOf(model, { container }));
  if (values.measure) {
    const { measureMcu } = await import('../codegen/mcu/measure.js');
    const { mcuReportRows } = await import('../codegen/mcu/report-rows.js');
    const work = mkdtempSync(join(tmpdir(), 'pibinn-mcu-'));
    try {
      io.note('measuring on mps2-an386 (Cortex-M4F) and mps2-an385 (Cortex-M3) under QEMU...');
      const inputs = testVectors(model, stringOption(values, 'input'));
      const measured = await measureMcu(model, {
        workDir: work,
        inputs,
        count: Math.min(MCU_VECTORS, inputs.length / model.input.size),
        onProgress: (r) => io.progress(`measure (${r.index}/${r.total}): ${r.variant} on ${r.board}: firmware build and QEMU run`),
      });
      report = { ...report, mcu: mcuReportRows(measured) };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  writeFileAtomic(join(dir, `${model.name}.report.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(dir, `${model.name}.report.html`), renderHtml(report));
  return report;
}

function testVectors(model: IRModel, path: Values[string]): Float32Array {
  if (typeof path === 'string') {
    const array = parseNpy(readInput(path), path);
    if (array.data.length === 0 || array.data.length % model.input.size !== 0) {
      fail({ code: 'PB306', file: path, message: 'the inputs do not match the model', expected: `rows of ${model.input.size} values`, found: `${array.data.length} values` });
    }
    return Float32Array.from(array.data as ArrayLike<number>);
  }
  const random = mulberry32(1);
  return Float32Array.from({ length: 4 * model.input.size }, () => random() * 2 - 1);
}

function parseFlavors(value: Values[string]): Flavor[] | undefined {
  if (typeof value !== 'string') return undefined;
  const flavors = value.split(',').map((f) => f.trim());
  const unknown = flavors.filter((f) => f !== 'simd' && f !== 'scalar');
  if (unknown.length > 0 || flavors.length === 0) {
    fail({ code: 'PB001', file: '<command line>', message: '--builds takes a comma-separated list of simd and scalar', found: value });
  }
  return flavors as Flavor[];
}

function parseActivationBits(value: Values[string]): number | undefined {
  if (typeof value !== 'string') return undefined;
  const k = Number(value);
  if (!Number.isInteger(k) || k < 2 || k > 16) fail({ code: 'PB001', file: '<command line>', message: '--activation-bits takes an integer from 2 to 16', found: value });
  return k;
}

function parseMaxBatch(value: Values[string]): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail({ code: 'PB001', file: '<command line>', message: '--max-batch takes a positive integer', found: value });
  return n;
}
