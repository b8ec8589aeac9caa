/**
 * The generic runtime on a non-JS host: its scalar build translated to C by wabt's wasm2c
 * (Debian 1.0.32, which rejects SIMD), compiled with gcc against wasm2c's runtime, and driven by
 * test/runtime/wasm2c-host.c. The native host must reproduce the JS scalar outputs bit for bit
 * (float32 arithmetic, no FMA contraction) and report a damaged container's status.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeContainer } from '../../compiler/container/write.js';
import type { IRModel } from '../../core/ir.js';
import { loadContainer } from '../../runtime/index.js';
import { loadConformanceModel } from '../support/conformance.js';
import { randomModel } from '../support/random-model.js';

const WASM2C_RUNTIME = '/usr/src/wasm2c';
const dir = mkdtempSync(join(tmpdir(), 'pibinn-wasm2c-'));
const host = join(dir, 'host');

beforeAll(() => {
  execFileSync('wasm2c', ['engine/prebuilt/pibinn-runtime.scalar.wasm', '-n', 'pibinn_runtime', '-o', join(dir, 'runtime.c')]);
  execFileSync('gcc', ['-O1', '-ffp-contract=off', `-I${WASM2C_RUNTIME}`, `-I${dir}`, '-o', host, 'test/runtime/wasm2c-host.c', join(dir, 'runtime.c'), `${WASM2C_RUNTIME}/wasm-rt-impl.c`, '-lm']);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runHost(container: Uint8Array, inputs: Float32Array, count: number) {
  const files = { model: join(dir, 'model.pibinn'), inputs: join(dir, 'inputs.f32') };
  writeFileSync(files.model, container);
  writeFileSync(files.inputs, inputs);
  const result = spawnSync(host, [files.model, files.inputs, String(count)]);
  return { status: result.status, outputs: new Float32Array(new Uint8Array(result.stdout).buffer) };
}

const models: [string, IRModel][] = [
  ['conformance mask-mixed', loadConformanceModel('mask-mixed').model],
  ['conformance blocks-readout', loadConformanceModel('blocks-readout').model],
  ['random model (seed 5003)', randomModel(5003)],
];

describe('generic runtime under wasm2c + gcc', () => {
  it.each(models)('%s: same outputs as the scalar build in V8, bit for bit', async (_, model) => {
    const count = 4;
    const inputs = Float32Array.from({ length: count * model.input.size }, (_, i) => Math.cos(0.61 * i));
    const container = writeContainer(model);
    const { status, outputs } = runHost(container, inputs, count);
    expect(status).toBe(0);
    const expected = (await loadContainer(container, { build: 'scalar' })).inferBatch(inputs, count);
    expect(new Uint32Array(outputs.buffer)).toEqual(new Uint32Array(expected.buffer));
  });

  it('exits with the load status of a damaged container', () => {
    const damaged = writeContainer(models[0][1]);
    damaged[damaged.length - 20] ^= 1;
    expect(runHost(damaged, new Float32Array(0), 0).status).toBe(4); // checksum mismatch
  });
});
