/**
 * Builds are reproducible and say where they come from. The report carries the tool version,
 * the model hash (sha256 of the container) and a date: SOURCE_DATE_EPOCH when set, which makes
 * every output file byte-identical from build to build; otherwise the time of the run, which is
 * then the only difference (in the report files only). Also: progress lines on request.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { CONFORMANCE_DIR } from '../support/conformance.js';
import { withoutCompileCache } from '../support/compile-cache.js';

const MODEL = join(CONFORMANCE_DIR, 'size-one', 'model.json');
const EPOCH = '1700000000';
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

interface Built {
  readonly files: Map<string, Buffer>;
  readonly stderr: readonly string[];
}

async function build(progress: boolean): Promise<Built> {
  const dir = join(mkdtempSync(join(tmpdir(), 'pibinn-repro-')), 'out');
  const stderr: string[] = [];
  let clock = 0;
  // Not --quiet, which silences progress too; the printed report is dropped.
  const code = await main(['build', MODEL, '--out-dir', dir], () => {}, (t) => stderr.push(t), { progress, now: () => (clock += 250) });
  expect(code, stderr.join('\n')).toBe(0);
  return { files: new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))])), stderr };
}

const saved = process.env.SOURCE_DATE_EPOCH;
afterEach(() => {
  if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
  else process.env.SOURCE_DATE_EPOCH = saved;
});

describe('reproducible builds and provenance', () => {
  it('with SOURCE_DATE_EPOCH every file is byte-identical; without it only the report date differs', async () => {
    process.env.SOURCE_DATE_EPOCH = EPOCH;
    const [first, second] = await withoutCompileCache(async () => [await build(false), await build(true)]);
    delete process.env.SOURCE_DATE_EPOCH;
    const clocked = await build(false);

    expect([...first.files.keys()].sort()).toEqual(['c-size-one.d.mts', 'c-size-one.h', 'c-size-one.mjs', 'c-size-one.pibinn', 'c-size-one.report.html', 'c-size-one.report.json', 'c-size-one.scalar.wasm', 'c-size-one.simd.wasm']);
    for (const [name, bytes] of first.files) expect(second.files.get(name)?.equals(bytes), name).toBe(true);

    const report = JSON.parse(first.files.get('c-size-one.report.json')!.toString('utf8'));
    expect(report.provenance).toEqual({
      tool: 'pibinn',
      toolVersion: VERSION,
      modelHash: `sha256:${createHash('sha256').update(first.files.get('c-size-one.pibinn')!).digest('hex')}`,
      date: '2023-11-14T22:13:20Z',
      dateSource: 'SOURCE_DATE_EPOCH',
    });
    const date = JSON.parse(clocked.files.get('c-size-one.report.json')!.toString('utf8')).provenance.date as string;
    expect(Math.abs(Date.parse(date) - Date.now())).toBeLessThan(10 * 60_000);
    for (const [name, bytes] of first.files) {
      if (!name.includes('.report.')) {
        expect(clocked.files.get(name)?.equals(bytes), name).toBe(true);
        continue;
      }
      // The date and where it came from, in the JSON and in the page; nothing else may differ.
      const normalize = (b: Buffer, when: string) =>
        b.toString('utf8').replaceAll(when, 'DATE').replace(/"(SOURCE_DATE_EPOCH|clock)"/g, '"SOURCE"').replace(/\((SOURCE_DATE_EPOCH|time of the run)\)/g, '(SOURCE)');
      expect(normalize(clocked.files.get(name)!, date), name).toBe(normalize(bytes, '2023-11-14T22:13:20Z'));
    }
  }, 120_000);

  it('shows progress per module and step when asked (a terminal), and none otherwise', async () => {
    process.env.SOURCE_DATE_EPOCH = EPOCH;
    const quiet = await build(false);
    expect(quiet.stderr.filter((l) => l.startsWith('['))).toEqual([]);
    const shown = await build(true);
    const steps = shown.stderr.filter((l) => l.startsWith('[')).map((l) => l.replace(/^\[ *[\d.]+ s\] /, ''));
    expect(steps).toEqual([
      'build simd (1/2): compiling AssemblyScript',
      'build simd (1/2): embedding the weights, optimizing and validating (binaryen)',
      'build simd (1/2): running the embedded self-test',
      'build scalar (2/2): compiling AssemblyScript',
      'build scalar (2/2): embedding the weights, optimizing and validating (binaryen)',
      'build scalar (2/2): running the embedded self-test',
    ]);
    expect(shown.stderr[0]).toMatch(/^\[ +0\.\d s\] /);
    const silenced: string[] = [];
    expect(await main(['build', MODEL, '--out-dir', join(mkdtempSync(join(tmpdir(), 'pibinn-repro-')), 'q'), '-q'], () => {}, (t) => silenced.push(t), { progress: true })).toBe(0);
    expect(silenced.filter((l) => l.startsWith('['))).toEqual([]);
  }, 120_000);

  it('the model hash is the same from model.json and from its container, and a bad SOURCE_DATE_EPOCH is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-repro-'));
    const report = async (path: string) => {
      const out: string[] = [];
      const code = await main(['report', path, '--json'], (t) => out.push(t), () => {}, { progress: false });
      expect(code).toBe(0);
      return JSON.parse(out.join('\n')).provenance as { modelHash: string; dateSource: string };
    };
    expect(await main([MODEL, '-q', '-o', join(dir, 'm.pibinn')], () => {}, () => {}, { progress: false })).toBe(0);
    const fromJson = await report(MODEL);
    const fromContainer = await report(join(dir, 'm.pibinn'));
    expect(fromContainer.modelHash).toBe(fromJson.modelHash);
    expect(fromJson.modelHash).toBe(`sha256:${createHash('sha256').update(readFileSync(join(dir, 'm.pibinn'))).digest('hex')}`);
    expect(fromJson.dateSource).toBe(saved === undefined ? 'clock' : 'SOURCE_DATE_EPOCH');
    process.env.SOURCE_DATE_EPOCH = 'yesterday';
    const err: string[] = [];
    expect(await main(['report', MODEL], () => {}, (t) => err.push(t), { progress: false })).toBe(2);
    expect(err.join('\n')).toContain('<environment>: error PB001 (usage error): SOURCE_DATE_EPOCH must be a whole number of seconds');
  });
});

describe('progress follows the terminal', () => {
  it('the installed binary shows progress when stderr is a terminal (script(1) gives it one) and not through a pipe', () => {
    const bin = 'dist/cli/bin.js';
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-tty-'));
    const piped = spawnSync(process.execPath, [bin, 'build', MODEL, '--out-dir', join(dir, 'a'), '--builds', 'scalar'], { encoding: 'utf8' });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stderr).not.toMatch(/^\[ *[\d.]+ s\] build/m);
    const command = [process.execPath, bin, 'build', MODEL, '--out-dir', join(dir, 'b'), '--builds', 'scalar'].map((a) => `'${a}'`).join(' ');
    const shown = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    expect(shown.status, shown.stdout).toBe(0);
    expect(shown.stdout).toMatch(/^\[ *[\d.]+ s\] build scalar \(1\/1\): compiling AssemblyScript\r?$/m);
  }, 120_000);
});
