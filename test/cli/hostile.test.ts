/**
 * Hostile inputs through every command that reads them: the broken-model corpus's hostile
 * cases, containers a model.json could never produce (metadata 3,000 deep, a state of 2^25),
 * models over the build limits, and a model at the raised nesting ceiling, which must then work
 * everywhere. Never exit 70, never a stack trace.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { writeContainer } from '../../compiler/container/write.js';
import { encodeNpy } from '../../compiler/io/npy.js';
import { loadModel } from '../../compiler/load/load-model.js';
import type { IRModel } from '../../core/ir.js';
import { CONFORMANCE_DIR } from '../support/conformance.js';

const BROKEN = 'test/fixtures/broken';
const SIZE_ONE = join(CONFORMANCE_DIR, 'size-one');
const tempDir = () => mkdtempSync(join(tmpdir(), 'pibinn-hostile-'));

async function cli(...args: string[]) {
  const err: string[] = [];
  const code = await main(args, () => {}, (t) => err.push(t), { progress: false });
  const stderr = err.join('\n');
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  return { code, stderr };
}

/** Every command that reads a model, writing (if it ever did) into a fresh folder. */
function commands(path: string, inputs: string): string[][] {
  const dir = tempDir();
  return [
    ['check', path],
    ['compile', path, '-o', join(dir, 'x.pibinn'), '-q'],
    ['report', path, '--html'],
    ['build', path, '--out-dir', join(dir, 'wasm'), '-q'],
    ['build', path, '--target', 'mcu', '--out-dir', join(dir, 'mcu'), '-q'],
    ['run', path, '--engine', 'wasm', '--input', inputs],
  ];
}

describe('hostile models are refused by every command, the same way', () => {
  it.each([
    ['deep-metadata.json', 'PB401'],
    ['deep-theta.json', 'PB401'],
    ['duplicate-key.json', 'PB110'],
    ['invalid-utf8-description.json', 'PB111'],
    ['lone-surrogate.json', 'PB111'],
    ['payload-directory/model.json', 'PB310'],
  ])('%s -> %s', async (name, code) => {
    const inputs = join(tempDir(), 'y.npy');
    writeFileSync(inputs, encodeNpy(new Float32Array(4), [4]));
    for (const args of commands(join(BROKEN, name), inputs)) {
      const result = await cli(...args);
      expect([result.code, result.stderr.split('\n')[0]], args.join(' ')).toEqual([1, expect.stringContaining(`error ${code} `)]);
    }
  }, 60_000);
});

/** A container written from an IR that the loader would have refused. */
function container(model: IRModel): string {
  const path = join(tempDir(), 'hostile.pibinn');
  writeFileSync(path, writeContainer(model));
  return path;
}

describe('containers get the loader\'s limits', () => {
  const base = loadModel(join(SIZE_ONE, 'model.json')).model;
  const inputs = join(SIZE_ONE, 'inputs.npy');

  it('metadata 3,000 deep: PB401 from every command, where it used to crash `report` and `run --engine wasm`', async () => {
    let metadata: unknown = 1;
    for (let i = 0; i < 3000; i++) metadata = [metadata];
    const path = container({ ...base, metadata: { history: metadata } });
    for (const args of commands(path, inputs)) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain('error PB401 (model exceeds an implementation limit): the metadata nests deeper than the limit maxNestingDepth = 64');
    }
  }, 60_000);

  it('a tiny container asking for a 2^25 state is refused before anything is allocated, unless the limit is raised', async () => {
    const n = 2 ** 25;
    const empty = { ...base.matrices[0], id: 'E', rows: n, cols: n, structure: { kind: 'blocks' as const, blocks: [] }, nnz: 0, signs: new Uint8Array(0), encoding: 'bits' as const, quantizationError: undefined };
    const model: IRModel = { ...base, state: n, input: { name: 'y', size: n }, output: { name: 'x', size: n }, matrices: [empty], layers: [{ ...base.layers[0], terms: [{ matrix: empty, source: 'input' }], bias: 0, threshold: { kind: 'soft', theta: 0.1 } }], readout: undefined };
    const path = container(model);
    const refused = await cli('report', path);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/hostile\.pibinn: error PB401 .*: state exceeds the limit maxDimension = 16777216; expected at most 16777216, found 33554432\. Fix: .*--limit maxDimension=<n>/);
    expect((await cli('check', path, '--limit', `maxDimension=${n}`)).code).toBe(0);
  });
});

describe('build limits are checked before any code is generated', () => {
  it('too many products to unroll: PB401 maxBuildProducts, at once', async () => {
    const dir = tempDir();
    const model = {
      format: 'pibinn-model', version: 1, name: 'deep-unroll', scale: 0.1, state: 2, input: { name: 'y', size: 2 }, output: { name: 'x', size: 2 },
      matrices: { W: { rows: 2, cols: 2, structure: { kind: 'dense' }, signs: { encoding: 'bits', data: 'AA==' } } },
      layers: Array.from({ length: 300 }, () => ({ terms: [{ matrix: 'W', source: 'state' }], threshold: { kind: 'none' } })),
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    const started = performance.now();
    const result = await cli('build', join(dir, 'model.json'), '--out-dir', join(dir, 'out'));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('matrix products to unroll (terms, residual products and readout over all layers) exceeds the limit maxBuildProducts = 256; expected at most 256, found 300');
    expect(result.stderr).toContain('the generic runtime (loadContainer)');
  });

  it('a model no microcontroller holds: PB401 maxMcuBytes for --target mcu', async () => {
    const dir = tempDir();
    const n = 2 ** 20;
    const model = {
      format: 'pibinn-model', version: 1, name: 'big', scale: 0.1, state: n, input: { name: 'y', size: n }, output: { name: 'x', size: n },
      matrices: { E: { rows: n, cols: n, structure: { kind: 'banded', lower: 0, upper: 0 }, signs: { encoding: 'bits', data: Buffer.alloc(n / 8).toString('base64') } } },
      layers: [{ terms: [{ matrix: 'E', source: 'input' }], threshold: { kind: 'soft', theta: 0.1 } }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    const result = await cli('build', join(dir, 'model.json'), '--target', 'mcu', '--out-dir', join(dir, 'out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error PB401 .*exceeds the limit maxMcuBytes = 16777216; expected at most 16777216, found 21102600\. Fix: the model does not fit a microcontroller/);
  });
});

describe('parameters beyond float32', () => {
  it('warn on load (PB804, located), stop the float32 build and engine (PB606), and leave the float64 reference alone', async () => {
    const dir = tempDir();
    const model = JSON.parse(readFileSync(join(SIZE_ONE, 'model.json'), 'utf8')) as { layers: Record<string, unknown>[] };
    model.layers[1].skip = 1e308;
    model.layers[0].bias = [3.5e38];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model, null, 2));
    const path = join(dir, 'model.json');
    const checked = await cli('check', path);
    expect(checked.code).toBe(0);
    expect(checked.stderr.split('\n').map((l) => /^.*?:(\d+:\d+): (\S+): warning (PB\d+)/.exec(l)?.slice(2))).toEqual([
      ['$.layers[0].bias[0]', 'PB804'],
      ['$.layers[1].skip', 'PB804'],
    ]);
    for (const args of [['build', path, '--out-dir', join(dir, 'out')], ['build', path, '--target', 'mcu', '--out-dir', join(dir, 'mcu')], ['run', path, '--engine', 'wasm', '--input', join(SIZE_ONE, 'inputs.npy')]]) {
      const refused = await cli(...args);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr, args.join(' ')).toMatch(/^.*model\.json:\d+:\d+: \$\.layers\[0\]\.bias\[0\]: error PB606 \(parameter out of float32 range\): layer 0: bias\[0\] is 3\.5e\+38, beyond float32/);
    }
    expect((await cli('run', path, '--input', join(SIZE_ONE, 'inputs.npy'))).code).toBe(0);
    expect((await cli(path, '-q', '-o', join(dir, 'x.pibinn'))).code).toBe(0);
    // The container itself is refused by every float32 runtime, so by the one verifier too, naming the field.
    const container = await cli('check', join(dir, 'x.pibinn'));
    expect(container.code).toBe(1);
    expect(container.stderr).toMatch(/x\.pibinn: \$\.layers\[0\]\.bias_vector\[0\]: byte \d+: error PB505 .*does not fit float32/);
  });
});

describe('run counts what it will hold before allocating it', () => {
  it('1,000 inputs of a model with 2^24 outputs: PB401 maxRunValues, not "Invalid typed array length"', async () => {
    const dir = tempDir();
    const n = 2 ** 24;
    const model = {
      format: 'pibinn-model', version: 1, name: 'wide-readout', scale: 1, state: 1, input: { name: 'y', size: 1 }, output: { name: 'x', size: n },
      matrices: { B: { rows: 1, cols: 1, structure: { kind: 'dense' }, signs: { encoding: 'bits', data: 'AA==' } }, D: { rows: n, cols: 1, structure: { kind: 'blocks', blocks: [] }, signs: { encoding: 'bits', data: '' } } },
      layers: [{ terms: [{ matrix: 'B', source: 'input' }], threshold: { kind: 'none' } }],
      readout: { matrix: 'D' },
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    writeFileSync(join(dir, 'y.npy'), encodeNpy(new Float32Array(1000), [1000, 1]));
    for (const engine of ['reference', 'wasm']) {
      const result = await cli('run', join(dir, 'model.json'), '--input', join(dir, 'y.npy'), '--engine', engine);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('y.npy: error PB401 (model exceeds an implementation limit): 1000 inputs x 16777216 outputs: values to hold exceeds the limit maxRunValues = 67108864');
    }
    writeFileSync(join(dir, 'y.npy'), encodeNpy(new Float32Array(2), [2, 1]));
    expect((await cli('run', join(dir, 'model.json'), '--input', join(dir, 'y.npy'), '--output', join(dir, 'x.npy'))).code).toBe(0);
  });
});

describe('at the raised nesting ceiling everything still works', () => {
  it('metadata 999 deep with --limit maxNestingDepth=1000: check, report (text, JSON, HTML), compile, build and run --engine wasm', async () => {
    const dir = tempDir();
    const model = JSON.parse(readFileSync(join(SIZE_ONE, 'model.json'), 'utf8')) as Record<string, unknown>;
    // The model object, metadata, then 997 arrays: 999 levels.
    const text = JSON.stringify({ ...model, metadata: { x: 0 } }).replace('{"x":0}', `{"x":${'['.repeat(997)}0${']'.repeat(997)}}`);
    writeFileSync(join(dir, 'model.json'), text);
    const path = join(dir, 'model.json');
    const limit = ['--limit', 'maxNestingDepth=1000'];
    expect((await cli('check', path)).code).toBe(1);
    for (const args of [['check', path], ['report', path], ['report', path, '--json'], ['report', path, '--html'], ['compile', path, '-o', join(dir, 'x.pibinn'), '-q'], ['run', join(dir, 'x.pibinn'), '--engine', 'wasm', '--input', join(SIZE_ONE, 'inputs.npy')], ['build', path, '--builds', 'scalar', '--out-dir', join(dir, 'out'), '-q']]) {
      const result = await cli(...args, ...limit);
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
    }
  }, 60_000);
});
