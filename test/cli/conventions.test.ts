/**
 * Command-line conventions: per-command help, -V, "did you mean" for a mistyped command,
 * conflicting options refused, --json for check, run and diagnostics, --limit.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { CONFORMANCE_DIR } from '../support/conformance.js';

const MODEL = join(CONFORMANCE_DIR, 'size-one', 'model.json');
const INPUTS = join(CONFORMANCE_DIR, 'size-one', 'inputs.npy');
const BROKEN = 'test/fixtures/broken';
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (t) => out.push(t), (t) => err.push(t), { progress: false });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), errLines: err };
}

describe('help and version', () => {
  it('`help <cmd>` and `<cmd> --help` print that command\'s help, not the general one', async () => {
    const help = await cli('help', 'build');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pibinn-compile build </);
    expect(help.stdout).toContain('--target, -t <value>');
    expect(help.stdout).not.toContain('Commands:');
    expect((await cli('build', '--help')).stdout).toBe(help.stdout);
    expect((await cli('run', '-h')).stdout).toMatch(/^usage: pibinn-compile run </);
    expect((await cli('help')).stdout).toContain('Commands:');
  });

  it('-V and --version print the package version', async () => {
    for (const flag of ['-V', '--version']) expect(await cli(flag)).toMatchObject({ code: 0, stdout: VERSION });
  });
});

describe('unknown commands', () => {
  it('a mistyped command gets "did you mean", not "cannot read file biuld"', async () => {
    const typo = await cli('biuld', MODEL);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      '<command line>: error PB001 (usage error): "biuld" is neither a command nor an existing file; expected a command (compile, build, check, report, run) or a model path, found "biuld". Fix: did you mean "build"?',
    );
    expect((await cli('help', 'reprot')).stderr).toContain('did you mean "report"?');
    expect((await cli('frobnicate')).stderr).toContain('Fix: run `pibinn-compile --help` for the commands');
  });

  it('an existing file is still a model path, whatever its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-cli-'));
    const path = join(dir, 'chekc');
    expect((await cli(MODEL, '-q', '-o', path)).code).toBe(0);
    expect((await cli(path, '-q', '-o', join(dir, 'x.pibinn'))).code).toBe(0);
    // A missing model.json is a missing file, not a command.
    expect((await cli(join(dir, 'missing.json'))).stderr).toContain('error PB002');
  });
});

describe('conflicting options are refused, never silently resolved', () => {
  it.each([
    [['report', MODEL, '--json', '--md'], '--json and --md cannot be combined'],
    [['compile', MODEL, '--md', '--html'], '--md and --html cannot be combined'],
    [['build', MODEL, '--measure'], '--measure applies to --target mcu, not wasm'],
    [['build', MODEL, '--target', 'mcu', '--threads', '--builds', 'simd'], '--builds, --threads apply to --target wasm, not mcu'],
    [['run', MODEL, '--input', INPUTS, '--trace', '--engine', 'wasm'], '--trace shows the float64 reference'],
    [['run', MODEL, '--input', INPUTS, '--tolerance', '1e-3'], '--tolerance applies to --expected, which is missing'],
  ])('%j', async (args, says) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PB001');
    expect(result.stderr).toContain(says);
  });
});

describe('--json', () => {
  it('check --json prints a verdict; its failures are JSON Lines with line and column', async () => {
    const ok = await cli('check', MODEL, '--json');
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, file: MODEL, kind: 'model.json', name: 'c-size-one', layers: 2, matrices: 2 });
    const bad = await cli('check', `${BROKEN}/duplicate-key.json`, '--json');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.errLines.map((l) => JSON.parse(l))).toEqual([
      {
        code: 'PB110',
        severity: 'error',
        title: 'duplicate key',
        file: `${BROKEN}/duplicate-key.json`,
        line: 19,
        column: 7,
        jsonPath: '$.matrices.B.rows',
        byteOffset: null,
        message: 'key "rows" appears twice in the same object: at line 17, column 7 and again at line 19, column 7',
        expected: 'each key once per object',
        found: 'two members with this key (JSON parsers disagree on which one wins)',
        fix: 'keep one of them; check the exporter for a key written twice',
      },
    ]);
  });

  it('every stderr line is JSON under --json: warnings, notes and usage errors too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-cli-'));
    const compiled = await cli('compile', join(CONFORMANCE_DIR, 'blockdiag-iht', 'model.json'), '--allow-unused', '-o', join(dir, 'x.pibinn'), '--json');
    expect(compiled.code).toBe(0);
    const lines = compiled.errLines.map((l) => JSON.parse(l) as { severity: string; code?: string; message: string });
    expect(lines.find((l) => l.code === 'PB208')).toMatchObject({ severity: 'warning', line: expect.any(Number) });
    expect(lines.find((l) => l.severity === 'info')?.message).toMatch(/^wrote .*x\.pibinn \(\d+ bytes\)$/);
    expect(JSON.parse(compiled.stdout)).toMatchObject({ schemaVersion: 1, model: { name: 'c-blockdiag-iht' } });
    const usage = await cli('check', MODEL, '--json', '--frobnicate');
    expect(JSON.parse(usage.stderr)).toMatchObject({ code: 'PB001', severity: 'error', file: '<command line>' });
  });

  it('run --json gives outputs, or with --output the file, and the --expected comparison', async () => {
    const plain = await cli('run', MODEL, '--input', INPUTS, '--json');
    const result = JSON.parse(plain.stdout) as { outputs: number[][]; count: number; engine: string; expected: unknown };
    expect(result).toMatchObject({ model: 'c-size-one', engine: 'reference', build: null, outputSize: 1, output: null, agreementWithReference: null, expected: null, trace: null });
    expect(result.outputs).toHaveLength(result.count);
    const text = await cli('run', MODEL, '--input', INPUTS);
    expect(text.stdout.split('\n').map(Number)).toEqual(result.outputs.map((row) => Number(row[0].toPrecision(9))));
    const compared = await cli('run', MODEL, '--input', INPUTS, '--expected', join(CONFORMANCE_DIR, 'size-one', 'expected.npy'), '--tolerance', '1e-5', '--engine', 'wasm-scalar', '--json');
    expect(JSON.parse(compared.stdout)).toMatchObject({ engine: 'wasm-scalar', build: 'scalar', expected: { pass: true, tolerance: 1e-5 }, agreementWithReference: expect.any(Number) });
  });
});

describe('limits', () => {
  it('--limit lowers or raises a limit; a wrong name gets a suggestion', async () => {
    const lowered = await cli('check', MODEL, '--limit', 'maxDimension=0');
    expect(lowered.stderr).toContain('limit maxDimension must be an integer from 1');
    const tight = await cli('check', join(CONFORMANCE_DIR, 'dense-lista', 'model.json'), '--limit', 'maxDimension=8', '--limit', 'maxTotalNnz=100');
    expect(tight.code).toBe(1);
    expect(tight.stderr).toMatch(/error PB401 .*state exceeds the limit maxDimension = 8.*--limit maxDimension=<n>/);
    expect((await cli('check', MODEL, '--limit', 'maxDimensions=9')).stderr).toContain('did you mean "maxDimension"?');
    const deep = join(mkdtempSync(join(tmpdir(), 'pibinn-cli-')), 'deep.json');
    const model = JSON.parse(readFileSync(MODEL, 'utf8')) as Record<string, unknown>;
    writeFileSync(deep, JSON.stringify({ ...model, metadata: { x: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) } }));
    expect((await cli('check', deep)).code).toBe(1);
    expect((await cli('check', deep, '--limit', 'maxNestingDepth=200')).code).toBe(0);
  });
});
