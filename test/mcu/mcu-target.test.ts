/**
 * The MCU target's generated C (wasm2c output + pibinn's bare-metal runtime + the plain API),
 * compiled for the host: every conformance model in both layouts against expected.npy, the
 * `ram` layout being the web scalar build, the `flash` layout keeping constants out of the
 * arena, traps reaching the API's return value, and missing tools reported as diagnostics.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModelInMemory } from '../../codegen/build.js';
import { buildMcuTarget } from '../../codegen/mcu/build-mcu.js';
import { compileMcuWasm } from '../../codegen/mcu/compile-wasm.js';
import { emitFixedPoint } from '../../codegen/mcu/emit-fixed-point.js';
import { FIXED_POINT_SANITY_BOUND } from '../../codegen/mcu/firmware.js';
import { runTool } from '../../codegen/mcu/run-tool.js';
import { PibinnError } from '../../core/diagnostics/diagnostic.js';
import { parseNpy } from '../../compiler/io/npy.js';
import { CONFORMANCE_DIR, CONFORMANCE_MODELS, loadConformanceModel } from '../support/conformance.js';
import { expectAgreement, referenceOutputs } from '../codegen/harness.js';
import { compileOnHost, compileTargetOnHost, relativeError, runOnHost } from './host-build.js';

const work = mkdtempSync(join(tmpdir(), 'pibinn-mcu-host-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fixture(name: string) {
  const { model } = loadConformanceModel(name);
  const npy = (file: string) => parseNpy(readFileSync(join(CONFORMANCE_DIR, name, file)), file);
  const inputs = Float32Array.from(npy('inputs.npy').data);
  return { model, inputs, expected: npy('expected.npy').data, count: inputs.length / model.input.size };
}

describe.each(CONFORMANCE_MODELS)('MCU target, conformance %s', (name) => {
  it.each(['flash', 'ram'] as const)('%s layout: host build agrees with expected.npy and passes its self-test', async (layout) => {
    const { model, inputs, expected, count } = fixture(name);
    const target = await buildMcuTarget(model, { outDir: join(work, name, layout), layout });
    const { status, outputs } = runOnHost(compileTargetOnHost(model, target), inputs);
    expect(status).toBe(0);
    expect(outputs.length).toBe(count * model.output.size);
    expectAgreement(`${name} mcu ${layout}`, model, inputs, outputs, expected, count);
  });

  it('flash layout: the arena holds only the mutable buffers', async () => {
    const { model } = fixture(name);
    const flash = await compileMcuWasm(model, 'flash', 1, 1);
    const ram = await compileMcuWasm(model, 'ram', 1, 1);
    expect(flash.layout.constantsInLinearMemory).toBe(false);
    expect(flash.constants).toEqual(ram.constants);
    expect(flash.layout.memoryBase).toBe(ram.layout.memoryBase - ram.layout.constantsBytes);
    const mutable = flash.layout.buffers.filter((b) => ['state', 'scratch', 'input', 'output'].includes(b.region));
    expect(Math.min(...mutable.map((b) => b.offset))).toBe(16);
  });
});

describe('MCU target', () => {
  // Where web builds pick a table or diagonal kernel the builds differ by design (MCU builds keep
  // flip-and-add); blocks-readout runs flip-and-add on both.
  it('the ram layout is the web scalar build, byte for byte (a model on flip-and-add in both)', async () => {
    const { model } = fixture('blocks-readout');
    const web = await buildModelInMemory(model, { builds: ['scalar'], maxBatch: 1 });
    const mcu = await compileMcuWasm(model, 'ram', 1, 4);
    expect(mcu.bytes).toEqual(web.wasm.scalar);
  });

  it('an arena smaller than the module needs makes init return the out-of-bounds trap', async () => {
    const { model, inputs } = fixture(CONFORMANCE_MODELS[0]);
    const target = await buildMcuTarget(model, { outDir: join(work, 'small-arena'), layout: 'ram' });
    const source = join(target.outDir, `${target.names.prefix}.c`);
    const text = readFileSync(source, 'utf8');
    expect(text).toContain(`#define ARENA_BYTES ${target.arenaBytes}u`);
    writeFileSync(source, text.replace(`#define ARENA_BYTES ${target.arenaBytes}u`, '#define ARENA_BYTES 64u'));
    expect(runOnHost(compileTargetOnHost(model, target), inputs).status).toBe(2);
  });

  it('a missing tool is a PB604 diagnostic naming the package to install', () => {
    let error: unknown;
    try {
      runTool('qemu-system-arm-not-installed', []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PibinnError);
    expect((error as PibinnError).diagnostics[0].code).toBe('PB604');
    expect((error as PibinnError).diagnostics[0].fix).toContain('apt-get install');
  });
});

describe('int16 fixed-point build', () => {
  it.each(CONFORMANCE_MODELS)('%s: runs on the host with its error against the reference measured', (name) => {
    const { model, inputs, count } = fixture(name);
    const build = emitFixedPoint(model, inputs, count);
    const dir = join(work, name, 'int16');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${build.prefix}.h`), build.header);
    writeFileSync(join(dir, `${build.prefix}.c`), build.source);
    const { status, outputs } = runOnHost(compileOnHost(model, dir, [`${build.prefix}.c`], build.prefix, false), inputs);
    expect(status).toBe(0);
    const reference = referenceOutputs(model, inputs, count);
    const error = relativeError(outputs, reference);
    console.log(`${name}: int16 Q${15 - build.fractionBits}.${build.fractionBits}, relative L2 error ${error.toExponential(2)}`);
    expect(error).toBeLessThanOrEqual(FIXED_POINT_SANITY_BOUND);
  });
});
