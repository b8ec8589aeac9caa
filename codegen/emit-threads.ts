/**
 * The threaded build's additions to a specialized module (runtime-as/threads.ts): per product
 * function whose kernel has a row range form (dense and block-diagonal float products, banded
 * ones over diagonals), the functions computing its two row parts and the `split` that runs
 * them on two threads; the exported `helper_loop` and `job_ptr`.
 */
import type { IRMatrix } from '../compiler/ir/types.js';
import type { KernelChoice } from './kernel-selection.js';
import { bandDiagonals } from './kernel-selection.js';

/** Rows per pass of runtime-as/banded-diagonals.ts: a banded split falls on a pass boundary. */
const PASS_ROWS = 32;

/**
 * The kernel call for part `part` (0: first half of the rows, on the main thread; 1: the rest, on
 * the helper, with its own table scratch `lut`) of one input's product, or undefined if the
 * kernel has no row range form. Everything is a constant, as in the unsplit call, so the kernel
 * choice folds away (a run-time table address made V8's code 1.3x slower).
 */
export function partCall(matrix: IRMatrix, choice: KernelChoice, part: 0 | 1, lut: number): string | undefined {
  const { structure, rows, cols } = matrix;
  const table = `<usize>${choice.tableBytes > 0 ? lut : 0}`;
  const range = (first: number, end: number): string => (part === 0 ? `0, ${first}` : `${first}, ${end}`);
  if (choice.kernel.simd === 'bit-serial') return undefined;
  if (structure.kind === 'dense') {
    return `matvecDenseRows(z, v, ${rows}, ${cols}, signs, coef, ${table}, ${range(Math.min(rows, Math.ceil(rows / 8) * 4), rows)})`;
  }
  if (structure.kind === 'block-diagonal') {
    const blocks = rows / structure.blockRows;
    return `matvecBlockDiagonalBlocks(z, v, ${structure.blockRows}, ${structure.blockCols}, signs, coef, ${table}, ${range(Math.ceil(blocks / 2), blocks)})`;
  }
  if (structure.kind === 'banded' && choice.kernel.simd === 'diagonal') {
    const band = bandDiagonals(rows, cols, structure.lower, structure.upper);
    const half = Math.min(rows, Math.ceil(rows / PASS_ROWS / 2) * PASS_ROWS);
    return `matvecBandedDiagonalRows(z, v, ${rows}, ${cols}, ${band.lower}, ${band.upper}, signs, coef, ${table}, ${range(half, rows)})`;
  }
  return undefined;
}

/**
 * For product function `f` with part calls `parts`: the two part functions and `split{f}`, which
 * the layers call instead of `product{f}`: one input with the helper running is split, anything
 * else runs whole here.
 */
export function splitFunctions(f: number, parts: readonly [string, string]): string[] {
  return [
    ...parts.flatMap((call, part) => [`function part${f}_${part}(z: usize, v: usize, coef: f32, signs: usize): void {`, `  ${call};`, '}']),
    `function split${f}(z: usize, v: usize, coef: f32, count: i32, signs: usize): void {`,
    '  if (count == 1 && helperRunning(JOB)) {',
    `    const seq = postJob(JOB, ${f}, z, v, coef, signs);`,
    `    part${f}_0(z, v, coef, signs);`,
    '    awaitJob(JOB, seq);',
    '    return;',
    '  }',
    `  product${f}(z, v, coef, count, signs);`,
    '}',
    '',
  ];
}

/** The exported helper_loop (part 1 of each posted product, until the host sets stop) and job_ptr. */
export function helperLoop(splittable: readonly number[]): string[] {
  const cases = splittable.map((f) => `      case ${f}: part${f}_1(z, v, coef, signs); break;`);
  return [
    '/** The helper thread: runs part 1 of each posted product until the host sets stop (runtime-as/threads.ts). */',
    'export function helper_loop(): void {',
    '  let seq = helperStart(JOB);',
    '  while ((seq = nextJob(JOB, seq)) != 0) {',
    '    const z = jobZ(JOB);',
    '    const v = jobV(JOB);',
    '    const coef = jobCoef(JOB);',
    '    const signs = jobSigns(JOB);',
    '    switch (jobProduct(JOB)) {',
    ...cases,
    '    }',
    '    finishJob(JOB, seq);',
    '  }',
    '  helperStop(JOB);',
    '}',
    '',
    'export function job_ptr(): usize { return JOB; }',
    '',
  ];
}
