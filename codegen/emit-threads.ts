/**
 * The threaded build's additions to a specialized module (runtime-as/threads.ts): per product
 * function whose kernel has a row range form (the kind's emitChunks: dense and block-diagonal
 * float products, banded ones over diagonals), the functions computing one chunk of its rows and
 * the `split` that shares the chunks with a helper thread; the exported `helper_loop` and `job_ptr`.
 */
import type { ProductChunks } from '../kinds/index.js';

/** Chunks per product: enough for the two threads to balance, few enough that claiming stays cheap. */
const MAX_CHUNKS = 4;
/**
 * Products with fewer structural nonzeros (a few us of work) run whole on the calling thread:
 * the hand-off cost more than it saved on the examples' small products (ista-rademacher, 32 K
 * per product: 16.9 -> 11.1 G weights/s; deconv_motion_blur, 4 K: 6.1 -> 2.3), while products
 * from 64 K gained (16 x 16 blocks at n = 4096: 6.9 -> 11.4; 64 x 64 at n = 1024: 14.6 -> 23.9).
 */
export const MIN_SPLIT_NNZ = 65536;

/**
 * `units` (row quads, blocks or passes of `size` each, `total` in all) in at most MAX_CHUNKS
 * chunks of whole units: the chunk count, and the `first, end` arguments for chunk `chunk`.
 * The structure kinds split their products with it (kinds/<kind>/index.ts, emitChunks); every
 * argument but the chunk is a constant, as in the unsplit call, so the kernel choice folds away
 * (a run-time table address made V8's code 1.3x slower).
 */
export function chunkRange(units: number, size: number, total: number): { count: number; bounds: string } {
  const unitsPerChunk = Math.ceil(units / Math.min(MAX_CHUNKS, units));
  const per = unitsPerChunk * size;
  return { count: Math.ceil(units / unitsPerChunk), bounds: `min(${total}, chunk * ${per}), min(${total}, chunk * ${per} + ${per})` };
}

/**
 * For product function `f`: its chunk functions for the main thread (table scratch `lut`) and
 * the helper (`helperLut`), and `split{f}`, which the layers call instead of `product{f}`: one
 * input with the helper running is posted as a job whose chunks both threads claim; anything
 * else runs whole here.
 */
export function splitFunctions(f: number, chunks: ProductChunks, lut: number, helperLut: number): string[] {
  return [
    ...[lut, helperLut].flatMap((table, thread) => [
      `function chunk${f}_${thread}(z: usize, v: usize, coef: f32, signs: usize, chunk: i32, prepare: bool): void {`,
      `  ${chunks.call(table)};`,
      '}',
    ]),
    `function split${f}(z: usize, v: usize, coef: f32, count: i32, signs: usize): void {`,
    '  if (count == 1 && helperRunning(JOB)) {',
    `    postJob(JOB, ${f}, z, v, coef, signs, ${chunks.count});`,
    '    let prepare = true;',
    '    for (let chunk = claimChunk(JOB); chunk >= 0; chunk = claimChunk(JOB), prepare = false) {',
    `      chunk${f}_0(z, v, coef, signs, chunk, prepare);`,
    '      finishChunk(JOB);',
    '    }',
    `    awaitChunks(JOB, ${chunks.count});`,
    '    return;',
    '  }',
    `  product${f}(z, v, coef, count, signs);`,
    '}',
    '',
  ];
}

/**
 * The exported helper_loop (claims chunks of each posted job until the host sets stop; builds a
 * product's tables on its first chunk of that job) and job_ptr.
 */
export function helperLoop(splittable: readonly number[]): string[] {
  const cases = splittable.map((f) => `        case ${f}: chunk${f}_1(jobZ(JOB), jobV(JOB), jobCoef(JOB), jobSigns(JOB), chunk, prepare); break;`);
  return [
    '/** The helper thread (runtime-as/threads.ts). */',
    'export function helper_loop(): void {',
    '  let seq = helperStart(JOB);',
    '  let prepared: i32 = 0; // the job whose tables LUT_HELPER holds',
    '  while ((seq = nextJob(JOB, seq)) != 0) {',
    '    for (let chunk = claimChunk(JOB); chunk >= 0; chunk = claimChunk(JOB)) {',
    '      const prepare = jobId(JOB) != prepared;',
    '      prepared = jobId(JOB);',
    '      switch (jobProduct(JOB)) {',
    ...cases,
    '      }',
    '      finishChunk(JOB);',
    '      countHelperChunk(JOB);',
    '    }',
    '  }',
    '  helperStop(JOB);',
    '}',
    '',
    'export function job_ptr(): usize { return JOB; }',
    '',
  ];
}
