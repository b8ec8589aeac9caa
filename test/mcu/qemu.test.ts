/**
 * The example firmware on both MPS2 boards under QEMU: the shipped ista-rademacher model as the
 * MCU target (flash and ram layouts, with and without bounds checks) and as the dense float32 C
 * baseline, each run on embedded test vectors against the float64 reference (spec section 6:
 * relative L2 <= 1e-5). Needs gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm:
 * without them the test fails with a PB604 diagnostic naming the package (CI installs them).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcuReportRows } from '../../codegen/mcu/report-rows.js';
import { buildFootprint } from '../../compiler/report/footprint.js';
import { renderText } from '../../compiler/report/render-text.js';
import schema from '../../schema/footprint-report.schema.json' with { type: 'json' };
import { FIXED_POINT_SANITY_BOUND, FLOAT32_TOLERANCE, runFirmware } from '../../codegen/mcu/firmware.js';
import { type McuMeasurement, measureMcu } from '../../codegen/mcu/measure.js';
import { parseNpy } from '../../compiler/io/npy.js';
import { loadModel } from '../../compiler/load/load-model.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/ista-rademacher/', import.meta.url));
const VECTORS = 2;
const work = mkdtempSync(join(tmpdir(), 'pibinn-mcu-qemu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

function table(results: readonly McuMeasurement[]): string {
  const rows = results.map((r) => [
    r.board, r.variant, r.run.maxRelativeL2.toExponential(2), (r.instructions / 1e6).toFixed(2),
    kib(r.footprint.model.text), kib(r.footprint.model.rodata + r.footprint.model.data), kib(r.footprint.flashBytes),
    kib(r.arenaBytes ?? r.footprint.model.bss), kib(r.footprint.model.bss + r.footprint.model.data - (r.arenaBytes ?? r.footprint.model.bss)),
    `${r.footprint.stackBytes} B`, kib(r.footprint.ramBytes), kib(r.footprint.libraryBytes),
  ].join(' | '));
  return ['board | variant | rel L2 | M instr/inference | code | constants | flash | arena/buffers | runtime RAM | stack | RAM | libgcc/libc called', ...rows].join('\n');
}

describe('MCU firmware under QEMU (mps2-an386 Cortex-M4F, mps2-an385 Cortex-M3)', () => {
  let results: McuMeasurement[] = [];
  const progress: string[] = [];
  beforeAll(async () => {
    const { model } = loadModel(join(EXAMPLE, 'model.json'));
    const inputs = Float32Array.from(parseNpy(readFileSync(join(EXAMPLE, 'inputs.npy')), 'inputs.npy').data);
    results = await measureMcu(model, { workDir: work, inputs, count: VECTORS, onProgress: (r) => progress.push(`${r.index}/${r.total} ${r.board} ${r.variant}`) });
    console.log(table(results));
  }, 300_000);

  it('reports progress before each of its QEMU runs (the CLI shows it on a terminal)', () => {
    expect(progress).toEqual(results.map((r, i) => `${i + 1}/${results.length} ${r.board} ${r.variant}`));
  });

  it('runs ista-rademacher within tolerance on both boards, with the footprint and cost of each variant', () => {

    expect(results.map((r) => `${r.board} ${r.variant}`)).toHaveLength(12);
    for (const r of results) {
      const label = `${r.board} ${r.variant}`;
      expect(r.run.status, `${label}\n${r.run.output}`).toBe(0);
      expect(r.run.result.failures, label).toBe('0');
      expect(r.run.result.self_test, label).toBe('0');
      expect(Number(r.run.result.vectors), label).toBe(VECTORS);
      // int16 is an approximation: its error is reported, and only gross errors fail.
      expect(r.run.maxRelativeL2, label).toBeLessThanOrEqual(r.variant === 'pibinn-int16' ? FIXED_POINT_SANITY_BOUND : FLOAT32_TOLERANCE);
      expect(r.instructions, label).toBeGreaterThan(0);
    }
    const find = (board: string, variant: string) => results.find((r) => r.board === board && r.variant === variant)!;
    for (const board of ['an385', 'an386']) {
      const flash = find(board, 'pibinn-flash');
      const ram = find(board, 'pibinn-ram');
      const dense = find(board, 'dense-c');
      // Weights in flash: the arena shrinks by the whole constant region.
      expect(ram.footprint.model.bss - flash.footprint.model.bss).toBeGreaterThanOrEqual(flash.weightBytes);
      // Sign bits instead of dense floats: 32x fewer bits per stored entry, and no structural zeros.
      expect(dense.footprint.flashBytes).toBeGreaterThan(20 * flash.footprint.flashBytes);
      expect(find(board, 'pibinn-flash-unchecked').instructions).toBeLessThan(flash.instructions);
    }
    // Without an FPU every float add is a libgcc call: the Cortex-M3 runs more instructions,
    // and the int16 build replaces those calls with integer adds.
    expect(find('an385', 'pibinn-flash').instructions).toBeGreaterThan(find('an386', 'pibinn-flash').instructions);
    expect(find('an385', 'pibinn-int16').instructions).toBeLessThan(find('an385', 'pibinn-flash-unchecked').instructions / 2);
  });

  it("fills the report's MCU section with the image sizes arm-none-eabi-size prints, valid against the schema", () => {
    const { model } = loadModel(join(EXAMPLE, 'model.json'));
    const report = { ...buildFootprint(model), mcu: mcuReportRows(results) };
    expect(new Ajv({ strict: true, allowUnionTypes: true }).validate(schema, JSON.parse(JSON.stringify(report)))).toBe(true);
    results.forEach((r, i) => {
      const elf = join(work, `firmware-${r.variant}-${r.board}`, 'firmware.elf');
      const [, totals] = execFileSync('arm-none-eabi-size', [elf], { encoding: 'utf8' }).trim().split('\n');
      const [text, data, bss] = totals.trim().split(/\s+/).map(Number);
      expect(report.mcu[i].image).toEqual({ text, data, bss });
      expect(report.mcu[i].flashBytes).toBe(report.mcu[i].codeBytes + report.mcu[i].constantsBytes);
    });
    expect(renderText(report)).toContain('MCU (Cortex-M, emulated)');
  });

  it('counts the same instructions on every run (-icount shift=0)', { timeout: 120_000 }, () => {
    const build = { board: 'an386' as const, elf: join(work, 'firmware-pibinn-flash-an386', 'firmware.elf'), modelObjects: [], outDir: work };
    const first = runFirmware(build);
    const second = runFirmware(build);
    expect(first.ticksPerInference).toBeGreaterThan(0);
    expect(second.ticksPerInference).toBe(first.ticksPerInference);
    expect(first.result.calibration_ticks).toBe(second.result.calibration_ticks);
    // 1 ns of virtual time per instruction, SysTick at 25 MHz: 40 instructions per tick (docs/mcu.md).
    expect(Number(first.result.calibration_instructions) / Number(first.result.calibration_ticks)).toBe(40);
  });
});

