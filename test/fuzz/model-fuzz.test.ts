/**
 * Fuzzes model.json through the real command line: seeded structure-aware mutants of every
 * conformance model and shipped example (test/fuzz/model-mutator.ts) go through `check --json`;
 * accepted ones through `report --json` (schema-valid), `compile` (its container must check
 * back to the same model), `run` (reference, sometimes the WebAssembly runtime); refused ones
 * through `compile`, `report` and `build`, which must refuse them the same way. Every answer:
 * exit 0, 1 or 2, never 70; no stack trace; every line of stderr a numbered diagnostic (or a
 * note), every error located (line:column, JSON path or byte offset). A few are replayed as
 * real child processes of the installed binary, which must answer exactly as in process.
 *
 * Bounded for CI (100 mutants, ~10 s); longer on demand:
 *   PIBINN_FUZZ_ITERATIONS=20000 PIBINN_FUZZ_SEED=7 npx vitest run test/fuzz
 *   PIBINN_FUZZ_ONLY=<i> replays the one iteration a failure message names;
 *   PIBINN_FUZZ_BUILD=1 also builds accepted mutants to WebAssembly (seconds each).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { encodeNpy } from '../../compiler/io/npy.js';
import { mulberry32 } from '../../compiler/util/seeded-random.js';
import { CONFORMANCE_DIR, CONFORMANCE_MODELS } from '../support/conformance.js';
import { loadSeeds, mutate, type Mutant, type Seed } from './model-mutator.js';

const ITERATIONS = Number(process.env.PIBINN_FUZZ_ITERATIONS ?? 100);
const SEED = Number(process.env.PIBINN_FUZZ_SEED ?? 1);
const BUILD_ACCEPTED = process.env.PIBINN_FUZZ_BUILD === '1';
/** Replays one iteration (as named in a failure message). */
const ONLY = process.env.PIBINN_FUZZ_ONLY === undefined ? undefined : Number(process.env.PIBINN_FUZZ_ONLY);
/** Accepted mutants run on the generic WebAssembly runtime this often (loading it costs ~50 ms). */
const WASM_SHARE = 0.15;
/** Inputs larger than this are not generated for `run` (a mutant may be accepted with a huge input.size). */
const MAX_RUN_INPUT = 1 << 16;

const EXAMPLES = readdirSync('examples', { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join('examples', e.name, 'model.json')))
  .map((e) => join('examples', e.name));
const SEEDS = loadSeeds([...CONFORMANCE_MODELS.map((name) => join(CONFORMANCE_DIR, name)), ...EXAMPLES]);
const reportSchema = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync('schema/footprint-report.schema.json', 'utf8')));

/** `model.json:3:7: $.a.b: byte 12: error PB110 (duplicate key): ...`: every part but the file optional. */
const DIAGNOSTIC_LINE = /^.+?(:\d+:\d+)?(: \$\S*)?(: byte \d+)?: (error|warning) PB\d{3} \([^)]+\): /;

const root = mkdtempSync(join(tmpdir(), 'pibinn-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Answer {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(...args: string[]): Promise<Answer> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (t) => out.push(t), (t) => err.push(t), { progress: false });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** The mutant's folder: the seed's payload files, the mutated model.json, the mutant's own files. */
function layOut(seed: Seed, mutant: Mutant, index: number): string {
  const dir = join(root, String(index));
  cpSync(seed.dir, dir, { recursive: true, filter: (source) => !source.endsWith('model.json') });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), mutant.text);
  for (const [name, spec] of mutant.files) {
    const path = join(dir, name);
    if (spec.kind === 'bytes') writeFileSync(path, spec.bytes);
    else if (spec.kind === 'directory') mkdirSync(path, { recursive: true });
    else if (spec.kind === 'symlink') symlinkSync(spec.target, path);
    else expect(spawnSync('mkfifo', [path]).status).toBe(0);
  }
  return join(dir, 'model.json');
}

/** The promises every answer keeps, in text or JSON Lines form. */
function expectClean(answer: Answer, json: boolean, context: string): { codes: string[] } {
  expect([0, 1, 2], `${context}\n${answer.stderr}`).toContain(answer.code);
  expect(answer.stderr, context).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?$/m);
  const lines = answer.stderr === '' ? [] : answer.stderr.split('\n');
  const codes: string[] = [];
  for (const line of lines) {
    if (json) {
      const d = JSON.parse(line) as { code?: string; severity: string; line: number | null; byteOffset: number | null; jsonPath: string | null };
      if (d.severity === 'info') continue;
      expect(d.code, `${context}\n${line}`).toMatch(/^PB\d{3}$/);
      if (d.severity === 'error') {
        codes.push(d.code!);
        expect(d.line !== null || d.byteOffset !== null || d.jsonPath !== null, `${context}: an error without a location\n${line}`).toBe(true);
      }
    } else if (!line.startsWith('wrote ')) {
      expect(line, context).toMatch(DIAGNOSTIC_LINE);
      const match = / error (PB\d{3}) /.exec(line);
      if (match !== null) codes.push(match[1]);
    }
  }
  if (answer.code !== 0) expect(codes.length, `${context}: a failure without an error diagnostic\n${answer.stderr}`).toBeGreaterThan(0);
  return { codes };
}

describe('model.json fuzzing through the command line', () => {
  const verdicts = new Map<string, number>();
  const replays: { path: string; answer: Answer }[] = [];

  it(`${ITERATIONS} mutants of ${SEEDS.length} models (seed ${SEED}) are accepted or refused cleanly`, async () => {
    for (const i of ONLY === undefined ? Array.from({ length: ITERATIONS }, (_, k) => k) : [ONLY]) {
      // One generator per iteration, so any iteration replays alone (PIBINN_FUZZ_ONLY).
      const random = mulberry32((Math.imul(SEED, 0x9e3779b1) + i) >>> 0);
      const seed = SEEDS[Math.floor(random() * SEEDS.length)];
      const mutant = mutate(seed, random);
      const path = layOut(seed, mutant, i);
      const context = `PIBINN_FUZZ_SEED=${SEED} PIBINN_FUZZ_ONLY=${i}, ${seed.name}: ${mutant.steps.join('; ')}`;
      const check = await cli('check', path, '--json');
      const { codes } = expectClean(check, true, `check --json, ${context}`);
      const verdict = check.code === 0 ? 'accepted' : codes[0];
      verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
      if (check.code === 0) {
        const built = await acceptedMutant(path, check, random, context);
        if (built !== undefined) verdicts.set(`build ${built}`, (verdicts.get(`build ${built}`) ?? 0) + 1);
      } else {
        await refusedMutant(path, check.code, codes, context);
        if (replays.length < 5 && !replays.some((r) => r.answer.stderr.includes(` ${codes[0]} `))) replays.push({ path, answer: await cli('check', path) });
      }
      if (i % 50 === 49) rmSync(join(root, String(i - 49)), { recursive: true, force: true });
    }
    const summary = [...verdicts].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}`).join(', ');
    console.info(`model.json fuzz, seed ${SEED}, ${ITERATIONS} mutants: ${summary}`);
    if (ONLY !== undefined) return;
    expect(verdicts.get('accepted') ?? 0, 'some mutants must survive, or the accepted paths go untested').toBeGreaterThan(ITERATIONS / 20);
    expect([...verdicts.keys()].filter((v) => v.startsWith('PB')).length, 'mutants must reach many different checks').toBeGreaterThan(12);
  }, Math.max(60_000, ITERATIONS * 1_000));

  it('a few refused mutants answer the same through the installed binary (real child processes)', () => {
    const bin = 'dist/cli/bin.js';
    expect(existsSync(bin), 'run `npm run build` (npm test does) before the tests').toBe(true);
    if (ONLY === undefined) expect(replays.length).toBeGreaterThan(2);
    for (const { path, answer } of replays) {
      if (!existsSync(path)) continue;
      const child = spawnSync(process.execPath, [bin, 'check', path], { encoding: 'utf8', timeout: 30_000 });
      expect(child.status, child.stderr).toBe(answer.code);
      expect(child.stderr.trimEnd()).toBe(answer.stderr);
    }
  }, 60_000);
});

interface CheckVerdict {
  readonly ok: boolean;
  readonly name: string;
  readonly layers: number;
  readonly matrices: number;
}

/** Checks the accepted mutant's other commands; with PIBINN_FUZZ_BUILD, returns how its build ended (`ok` or the first code). */
async function acceptedMutant(path: string, check: Answer, random: () => number, context: string): Promise<string | undefined> {
  const dir = join(path, '..');
  const verdict = JSON.parse(check.stdout) as CheckVerdict;
  const report = await cli('report', path, '--json');
  expectClean(report, true, `report --json, ${context}`);
  expect(report.code, `${context}\n${report.stderr}`).toBe(0);
  const json = JSON.parse(report.stdout) as { model: { inputSize: number } };
  expect(reportSchema(json), `${context}\n${JSON.stringify(reportSchema.errors)}`).toBe(true);

  const container = join(dir, 'fuzz.pibinn');
  const compile = await cli('compile', path, '-o', container, '-q');
  expectClean(compile, false, `compile, ${context}`);
  expect(compile.code, `${context}\n${compile.stderr}`).toBe(0);
  const back = await cli('check', container, '--json');
  expectClean(back, true, `check of the container, ${context}`);
  expect(JSON.parse(back.stdout), context).toMatchObject({ ok: true, name: verdict.name, layers: verdict.layers, matrices: verdict.matrices });

  const n = json.model.inputSize;
  if (n <= MAX_RUN_INPUT) {
    const inputs = join(dir, 'fuzz-inputs.npy');
    writeFileSync(inputs, encodeNpy(Float32Array.from({ length: 2 * n }, () => random() * 2 - 1), [2, n]));
    const engine = random() < WASM_SHARE ? 'wasm' : 'reference';
    const run = await cli('run', path, '--input', inputs, '--engine', engine, '--json');
    const { codes } = expectClean(run, true, `run --engine ${engine}, ${context}`);
    // A parameter beyond float32 (PB804 on load) stops the float32 engine, and only it.
    const refusal = engine === 'wasm' && run.code === 1 && codes.every((c) => c === 'PB606') && check.stderr.includes('"PB804"');
    expect(run.code === 0 || refusal, `${context}\n${run.stderr}`).toBe(true);
  }
  if (!BUILD_ACCEPTED) return undefined;
  const build = await cli('build', path, '--out-dir', join(dir, 'build'), '-q');
  const { codes } = expectClean(build, false, `build, ${context}`);
  // Refusals the model earns (over a limit, beyond float32); a failed compile or self-test is a code generator bug.
  expect(codes.filter((c) => c !== 'PB401' && c !== 'PB606'), `build, ${context}\n${build.stderr}`).toEqual([]);
  return build.code === 0 ? 'ok' : codes[0];
}

/** Every command that loads the model refuses it with the same first diagnostic and exit code. */
async function refusedMutant(path: string, exit: number, codes: readonly string[], context: string): Promise<void> {
  for (const args of [['compile', path, '-o', join(path, '..', 'never.pibinn'), '-q'], ['report', path], ['build', path, '--out-dir', join(path, '..', 'never'), '-q']]) {
    const answer = await cli(...args);
    const { codes: again } = expectClean(answer, false, `${args[0]}, ${context}`);
    expect([answer.code, again[0]], `${args[0]}, ${context}\n${answer.stderr}`).toEqual([exit, codes[0]]);
  }
  expect(existsSync(join(path, '..', 'never.pibinn')) || existsSync(join(path, '..', 'never')), `${context}: output left behind`).toBe(false);
}
