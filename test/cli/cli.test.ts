/**
 * The command line as a user meets it: exit codes, numbered diagnostics without stack traces,
 * no partial or clobbered output files, and the README's example job.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { readContainer } from '../../compiler/container/read.js';
import { writeContainer } from '../../compiler/container/write.js';
import { encodeNpy, parseNpy } from '../../compiler/io/npy.js';
import { loadModel } from '../../compiler/load/load-model.js';
import { CONFORMANCE_DIR } from '../support/conformance.js';

const EXAMPLE = 'examples/ista-rademacher';
const BROKEN = 'test/fixtures/broken';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (t) => out.push(t), (t) => err.push(t));
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'pibinn-cli-'));

describe('pibinn-compile', () => {
  it('compiles a model to a container that decodes to the same IR, and prints the report', async () => {
    const out = join(tempDir(), 'ista.pibinn');
    const result = await cli(`${EXAMPLE}/model.json`, '-o', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PIBiNN footprint report: ista-rademacher');
    expect(result.stdout).toContain('Weight storage comparison');
    expect(readContainer(readFileSync(out), out)).toStrictEqual(loadModel(`${EXAMPLE}/model.json`).model);
  });

  it('prints the report as JSON and Markdown', async () => {
    const json = await cli('report', `${EXAMPLE}/model.json`, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, model: { name: 'ista-rademacher' } });
    const md = await cli('report', `${EXAMPLE}/model.json`, '--md');
    expect(md.stdout).toMatch(/^\|.*\|$/m);
  });

  it('reports a broken model with a located, numbered diagnostic, exit 1, and writes nothing', async () => {
    const dir = tempDir();
    const out = join(dir, 'x.pibinn');
    const result = await cli(`${BROKEN}/overlapping-blocks.json`, '-o', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/overlapping-blocks\.json:\d+:\d+: \$\.matrices\.\w+\.structure.*error PB205/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves an existing output untouched when compilation fails', async () => {
    const out = join(tempDir(), 'keep.pibinn');
    writeFileSync(out, 'previous');
    expect((await cli(`${BROKEN}/overlapping-blocks.json`, '-o', out)).code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });

  it('fails to write into a missing-directory-that-is-a-file with PB003 and leaves no temp file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const result = await cli(`${EXAMPLE}/model.json`, '-q', '-o', join(dir, 'file', 'x.pibinn'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PB003');
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('rejects a corrupted container with a PB5xx diagnostic', async () => {
    const dir = tempDir();
    const bytes = writeContainer(loadModel(`${EXAMPLE}/model.json`).model);
    bytes[bytes.length >> 1] ^= 0x10;
    writeFileSync(join(dir, 'bad.pibinn'), bytes);
    const result = await cli('check', join(dir, 'bad.pibinn'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.pibinn.*byte \d+.*error PB50\d/);
  });

  it('rejects a file that is neither a model nor a container with PB004', async () => {
    const result = await cli('report', `${EXAMPLE}/inputs.npy`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PB004');
  });

  it('answers usage errors with PB001 and exit 2', async () => {
    expect((await cli('compile', `${EXAMPLE}/model.json`, '--no-such-option')).code).toBe(2);
    expect((await cli('run', `${EXAMPLE}/model.json`)).stderr).toContain('PB001');
    expect((await cli()).code).toBe(2);
  });

  it('accepts a model with an unused matrix only with --allow-unused', async () => {
    const model = join(CONFORMANCE_DIR, 'blockdiag-iht', 'model.json');
    const out = join(tempDir(), 'x.pibinn');
    expect((await cli('check', model)).code).toBe(1);
    const accepted = await cli(model, '-q', '-o', out, '--allow-unused');
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toContain('warning PB208');
  });

  it('runs the reference evaluator on a container and a model.json alike, writing .npy outputs', async () => {
    const dir = tempDir();
    const name = 'tied-gain';
    const fixture = join(CONFORMANCE_DIR, name);
    expect((await cli(join(fixture, 'model.json'), '-q', '-o', join(dir, 'm.pibinn'))).code).toBe(0);
    for (const source of [join(fixture, 'model.json'), join(dir, 'm.pibinn')]) {
      const target = join(dir, 'out.npy');
      expect((await cli('run', source, '--input', join(fixture, 'inputs.npy'), '--output', target)).code).toBe(0);
      const actual = parseNpy(readFileSync(target), target);
      const expected = parseNpy(readFileSync(join(fixture, 'expected.npy')), 'expected.npy');
      expect(actual.shape).toEqual(expected.shape);
      Array.from(expected.data).forEach((v, i) => expect(actual.data[i]).toBeCloseTo(v, 12));
    }
    const compared = await cli('run', join(dir, 'm.pibinn'), '--input', join(fixture, 'inputs.npy'), '--expected', join(fixture, 'expected.npy'), '--tolerance', '1e-12');
    expect(compared.code).toBe(0);
    expect(compared.stdout).toMatch(/PASS$/);
  });

  it('fails `run --expected` when outputs disagree, and rejects inputs of the wrong width', async () => {
    const dir = tempDir();
    const fixture = join(CONFORMANCE_DIR, 'size-one');
    const wrong = join(dir, 'wrong.npy');
    writeFileSync(wrong, encodeNpy(Float64Array.of(1, 2, 3), [3, 1]));
    const inputs = join(dir, 'inputs.npy');
    writeFileSync(inputs, encodeNpy(Float32Array.of(1, 2, 3), [3, 1]));
    const failed = await cli('run', join(fixture, 'model.json'), '--input', inputs, '--expected', wrong);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAIL$/);
    writeFileSync(inputs, encodeNpy(Float32Array.of(1, 2), [1, 2]));
    const mismatch = await cli('run', join(fixture, 'model.json'), '--input', inputs);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('PB306');
  });

  it('runs the WebAssembly runtime with --engine and reports its agreement with the reference', async () => {
    const fixture = join(CONFORMANCE_DIR, 'banded-ista');
    for (const engine of ['wasm', 'wasm-simd', 'wasm-scalar']) {
      const result = await cli('run', join(fixture, 'model.json'), '--engine', engine, '--input', join(fixture, 'inputs.npy'), '--expected', join(fixture, 'expected.npy'), '--tolerance', '1e-5');
      expect(result.code, result.stderr).toBe(0);
      const agreement = Number(/vs float64 reference: max relative L2 error (\S+)/.exec(result.stdout)?.[1]);
      expect(agreement).toBeLessThanOrEqual(1e-5);
      expect(agreement).toBeGreaterThan(0); // float32, so not the reference itself
      expect(result.stdout).toMatch(/PASS$/);
    }
    expect((await cli('run', join(fixture, 'model.json'), '--engine', 'gpu', '--input', join(fixture, 'inputs.npy'))).code).toBe(2);
  });

  it('prints the state after every layer with --trace', async () => {
    const fixture = join(CONFORMANCE_DIR, 'size-one');
    const result = await cli('run', join(fixture, 'model.json'), '--input', join(fixture, 'inputs.npy'), '--trace');
    expect(result.stdout).toMatch(/input 0 layer 1: /);
    expect(result.stdout).toMatch(/input 0 layer 2: /);
  });

  it("the README's example job works through the installed binary (exit code, no stack trace)", () => {
    const bin = 'dist/cli/bin.js';
    expect(existsSync(bin), 'run `npm run build` (npm test does) before the tests').toBe(true);
    const out = join(tempDir(), 'ista.pibinn');
    const compile = spawnSync(process.execPath, [bin, `${EXAMPLE}/model.json`, '-o', out, '-q'], { encoding: 'utf8' });
    expect(compile.status).toBe(0);
    const run = spawnSync(process.execPath, [bin, 'run', out, '--engine', 'wasm', '--input', `${EXAMPLE}/inputs.npy`, '--expected', `${EXAMPLE}/truth.npy`, '--tolerance', '0.5'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/mean NMSE -\d+\.\d+ dB.*PASS/);
    const broken = spawnSync(process.execPath, [bin, `${BROKEN}/overlapping-blocks.json`], { encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('PB205');
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
