/**
 * Test-side: compiles an MCU target folder with the host's gcc around mcu/host/host_main.c and
 * runs it on raw float32 inputs, so the generated C and the bare-metal runtime are checked on
 * every conformance model without an emulator.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { IRModel } from '../../core/ir.js';
import type { McuTarget } from '../../codegen/mcu/build-mcu.js';
import { mcuSourceDir } from '../../codegen/mcu/compile-wasm.js';
import { emitHarnessModel } from '../../codegen/mcu/firmware.js';

/** Builds the host harness around an MCU target folder; returns the binary's path. */
export function compileTargetOnHost(model: IRModel, target: McuTarget, extraFlags: readonly string[] = []): string {
  return compileOnHost(model, target.outDir, target.files.sources, target.names.prefix, true, extraFlags);
}

/** Builds `<dir>/host-harness` from the model's C `sources` (API prefix `prefix`); returns its path. */
export function compileOnHost(
  model: IRModel, dir: string, modelSources: readonly string[], prefix: string, selfTest: boolean, extraFlags: readonly string[] = [],
): string {
  writeFileSync(join(dir, 'harness_model.h'), emitHarnessModel({
    header: `${prefix}.h`, prefix, inputSize: model.input.size, outputSize: model.output.size, selfTest,
  }));
  const binary = join(dir, 'host-harness');
  const sources = [...modelSources.map((s) => join(dir, s)), join(mcuSourceDir(), 'host', 'host_main.c')];
  const gcc = spawnSync('gcc', ['-O1', '-std=gnu11', '-Wall', '-Werror=implicit-function-declaration', `-I${dir}`, ...extraFlags, '-o', binary, ...sources, '-lm'], { encoding: 'utf8' });
  if (gcc.error) expect.fail(`gcc is required for the MCU host tests: ${gcc.error.message}`);
  expect(gcc.status, gcc.stderr).toBe(0);
  return binary;
}

/** Runs the host harness; returns its exit status and the outputs it wrote. */
export function runOnHost(binary: string, inputs: Float32Array): { status: number; outputs: Float32Array } {
  const run = spawnSync(binary, [], { input: Buffer.from(inputs.buffer, inputs.byteOffset, inputs.byteLength), timeout: 60_000 });
  const bytes = new Uint8Array(run.stdout);
  return { status: run.status ?? -1, outputs: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
}

/** ||actual - expected||_2 / ||expected||_2 over all vectors (absolute when expected is zero). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let error = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    error += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return Math.sqrt(norm === 0 ? error : error / norm);
}
