/**
 * Measures a model on the MCU boards: for each board, the MCU target in each layout and the
 * dense C baseline are built into the example firmware, run in QEMU on test vectors, checked
 * against the float64 reference, and sized. The result is data for the footprint report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IRModel } from '../../core/ir.js';
import { buildMcuTarget, type McuLayout, type McuTarget } from './build-mcu.js';
import { emitDenseBaseline } from './emit-dense-c.js';
import { emitFixedPoint } from './emit-fixed-point.js';
import { type Board, buildFirmware, FIXED_POINT_SANITY_BOUND, type FirmwareRun, type HarnessBinding, runFirmware } from './firmware.js';
import { type FirmwareFootprint, measureFootprint } from './footprint.js';

/** `-unchecked`: the same folder compiled with its bounds-check switch off. */
export type McuVariant = `pibinn-${McuLayout}` | `pibinn-${McuLayout}-unchecked` | 'pibinn-int16' | 'dense-c';

export interface McuMeasurement {
  readonly board: Board;
  readonly variant: McuVariant;
  readonly run: FirmwareRun;
  readonly footprint: FirmwareFootprint;
  /** Instructions per inference (QEMU -icount: one per virtual nanosecond, calibrated in the firmware). */
  readonly instructions: number;
  /** pibinn variants: bytes of the linear-memory arena (RAM) and of sign bits + structure tables. */
  readonly arenaBytes?: number;
  readonly weightBytes: number;
  /** int16 build: fraction bits of its Q-format activations. */
  readonly fractionBits?: number;
}

export interface MeasureOptions {
  /** Scratch directory for the generated folders and firmware builds. */
  readonly workDir: string;
  /** Row-major float32 inputs; the first `count` rows become the firmware's test vectors. */
  readonly inputs: Float32Array;
  readonly count: number;
  readonly boards?: readonly Board[];
  readonly layouts?: readonly McuLayout[];
  /** Also measure each layout with bounds checks compiled out (default true). */
  readonly unchecked?: boolean;
  /** Also measure the dense float32 C baseline (default true). */
  readonly dense?: boolean;
  /**
   * Also measure the int16 fixed-point build (default true), calibrated on the input rows after
   * the test vectors (up to 16), or on the test vectors when there are no others.
   */
  readonly fixedPoint?: boolean;
  readonly qemuTimeoutMs?: number;
  /** Called before each firmware build and QEMU run, for progress display. */
  readonly onProgress?: (run: { readonly board: Board; readonly variant: McuVariant; readonly index: number; readonly total: number }) => void;
}

export async function measureMcu(model: IRModel, options: MeasureOptions): Promise<McuMeasurement[]> {
  const boards = options.boards ?? ['an386', 'an385'];
  const targets: {
    variant: McuVariant; dir: string; sources: readonly string[]; binding: HarnessBinding;
    target?: McuTarget; weightBytes: number; extraCflags?: string[]; tolerance?: number; fractionBits?: number;
  }[] = [];
  for (const layout of options.layouts ?? ['flash', 'ram']) {
    const target = await buildMcuTarget(model, { outDir: join(options.workDir, `target-${layout}`), layout });
    const weightBytes = target.layout.buffers.filter((b) => b.region === 'weights').reduce((sum, b) => sum + b.bytes, 0);
    const common = { dir: target.outDir, sources: target.files.sources, binding: binding(model, target.names.prefix, true), target, weightBytes };
    targets.push({ variant: `pibinn-${layout}`, ...common });
    if (options.unchecked ?? true) {
      const flag = `-D${target.names.prefix.toUpperCase()}_BOUNDS_CHECKS=0`;
      targets.push({ variant: `pibinn-${layout}-unchecked`, ...common, extraCflags: [flag] });
    }
  }
  if (options.fixedPoint ?? true) {
    const rows = options.inputs.length / model.input.size;
    const first = rows > options.count ? options.count : 0;
    const calibrationCount = Math.min(16, rows - first);
    const fixed = emitFixedPoint(model, options.inputs.subarray(first * model.input.size), calibrationCount);
    const dir = join(options.workDir, 'int16');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${fixed.prefix}.h`), fixed.header);
    writeFileSync(join(dir, `${fixed.prefix}.c`), fixed.source);
    const weightBytes = [...model.matrices.values()].reduce((sum, m) => sum + m.signs.length, 0);
    targets.push({ variant: 'pibinn-int16', dir, sources: [`${fixed.prefix}.c`], binding: binding(model, fixed.prefix, false), weightBytes,
      tolerance: FIXED_POINT_SANITY_BOUND, fractionBits: fixed.fractionBits });
  }
  if (options.dense ?? true) {
    const dense = emitDenseBaseline(model);
    const dir = join(options.workDir, 'dense-c');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${dense.prefix}.h`), dense.header);
    writeFileSync(join(dir, `${dense.prefix}.c`), dense.source);
    targets.push({ variant: 'dense-c', dir, sources: [`${dense.prefix}.c`], binding: binding(model, dense.prefix, false), weightBytes: dense.weightBytes });
  }
  const results: McuMeasurement[] = [];
  const total = boards.length * targets.length;
  for (const board of boards) {
    for (const t of targets) {
      options.onProgress?.({ board, variant: t.variant, index: results.length + 1, total });
      const build = buildFirmware({
        board, modelDir: t.dir, sources: t.sources, binding: t.binding, model,
        inputs: options.inputs, count: options.count, outDir: join(options.workDir, `firmware-${t.variant}-${board}`),
        extraCflags: t.extraCflags, tolerance: t.tolerance,
      });
      const run = runFirmware(build, options.qemuTimeoutMs);
      results.push({
        board,
        variant: t.variant,
        run,
        footprint: measureFootprint(build, run),
        instructions: run.instructionsPerInference,
        arenaBytes: t.target?.arenaBytes,
        weightBytes: t.weightBytes,
        fractionBits: t.fractionBits,
      });
    }
  }
  return results;
}

function binding(model: IRModel, prefix: string, selfTest: boolean): HarnessBinding {
  return { header: `${prefix}.h`, prefix, inputSize: model.input.size, outputSize: model.output.size, selfTest };
}
