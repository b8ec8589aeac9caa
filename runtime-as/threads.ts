/**
 * Batch-1 products on two threads over one shared memory (threaded builds, BuildOptions.threads).
 * The main thread posts each product it can split as a job of `chunks` row ranges; both it and a
 * helper (a worker that called `helper_loop`) claim chunks until none is left, and the main
 * thread then waits for the chunks in flight. The chunks are row ranges of the same kernel
 * (matvec.ts *Rows / *Blocks), so every row sums exactly as on one thread, whoever runs it; and
 * a helper that is late, asleep or descheduled only leaves more chunks to the main thread.
 *
 * The job record (JOB_BYTES at `job`, fields at the JOB_ offsets of core/constants.ts): seq,
 * bumped per job (the helper waits on it); helper: 1 while helper_loop runs, 0 once it returned,
 * HELPER_FAILED once the host saw it fail (a trap, or its worker gone); stop: set by the host to
 * end helper_loop (which then also bumps seq and notifies it, so a helper about to sleep wakes);
 * product, z, v, coef (f32), signs; id: the job's seq, for the helper's table bookkeeping;
 * claim: (chunks << 8) | next chunk; finished: chunks done; the chunks the helper has run in all
 * (for tests and diagnostics). postJob writes `finished`,
 * then the fields, then opens the job by storing `claim` (sequentially consistent atomics), so
 * whoever claims a chunk reads that job's fields, and the job cannot change before every claimed
 * chunk is finished.
 */
import {
  JOB_CLAIM, JOB_COEF, JOB_FINISHED, JOB_HELPER, JOB_HELPER_CHUNKS, JOB_ID, JOB_PRODUCT, JOB_SEQ, JOB_SIGNS, JOB_STOP, JOB_V, JOB_Z,
} from './generated/constants';

/** Spins of the helper on seq before it sleeps in memory.atomic.wait32: products of one inference come microseconds apart. */
const SPINS: i32 = 1 << 14;

@inline export function helperRunning(job: usize): bool {
  return atomic.load<i32>(job, JOB_HELPER) == 1;
}

/** Opens a job of `chunks` (1..255) row ranges of product `product` and wakes the helper. */
@inline export function postJob(job: usize, product: i32, z: usize, v: usize, coef: f32, signs: usize, chunks: i32): void {
  // Positive and never 0, which nextJob reserves for "stop".
  const seq = max(1, (atomic.load<i32>(job, JOB_SEQ) + 1) & 0x7fffffff);
  atomic.store<i32>(job, 0, JOB_FINISHED);
  store<i32>(job, product, JOB_PRODUCT);
  store<usize>(job, z, JOB_Z);
  store<usize>(job, v, JOB_V);
  store<f32>(job, coef, JOB_COEF);
  store<usize>(job, signs, JOB_SIGNS);
  store<i32>(job, seq, JOB_ID);
  atomic.store<i32>(job, chunks << 8, JOB_CLAIM);
  atomic.store<i32>(job, seq, JOB_SEQ);
  atomic.notify(job + JOB_SEQ, 1);
}

/** The next unclaimed chunk of the open job, now this thread's, or -1 when none is left. */
@inline export function claimChunk(job: usize): i32 {
  let claim = atomic.load<i32>(job, JOB_CLAIM);
  while ((claim & 255) < claim >> 8) {
    const seen = atomic.cmpxchg<i32>(job + JOB_CLAIM, claim, claim + 1);
    if (seen == claim) return claim & 255;
    claim = seen;
  }
  return -1;
}

@inline export function finishChunk(job: usize): void {
  atomic.add<i32>(job + JOB_FINISHED, 1);
}

@inline export function countHelperChunk(job: usize): void {
  atomic.add<i32>(job + JOB_HELPER_CHUNKS, 1);
}

/**
 * Waits (spinning: a browser's main thread may not block) until all `chunks` of the job are
 * finished, or the helper is no longer running: a helper that failed with a chunk claimed never
 * finishes it. Returns whether every chunk finished; when not, the product is incomplete and the
 * host, which reads the helper field after each call, throws.
 */
@inline export function awaitChunks(job: usize, chunks: i32): bool {
  while (atomic.load<i32>(job, JOB_FINISHED) != chunks) {
    if (atomic.load<i32>(job, JOB_HELPER) != 1) return atomic.load<i32>(job, JOB_FINISHED) == chunks;
  }
  return true;
}

@inline export function helperStart(job: usize): i32 {
  atomic.store<i32>(job, 1, JOB_HELPER);
  return atomic.load<i32>(job, JOB_SEQ);
}

@inline export function helperStop(job: usize): void {
  atomic.store<i32>(job, 0, JOB_HELPER);
}

/** The sequence number of the next job after `last`, or 0 once the host set stop. */
@inline export function nextJob(job: usize, last: i32): i32 {
  let seq = last;
  for (let spins: i32 = 0; seq == last; spins++) {
    if (atomic.load<i32>(job, JOB_STOP) != 0) return 0;
    seq = atomic.load<i32>(job, JOB_SEQ);
    if (seq == last && spins >= SPINS) {
      memory.atomic.wait32(job + JOB_SEQ, last, -1);
      spins = 0;
    }
  }
  return seq;
}

// The fields of the job whose chunk the caller has claimed.
@inline export function jobProduct(job: usize): i32 {
  return load<i32>(job, JOB_PRODUCT);
}

@inline export function jobZ(job: usize): usize {
  return load<usize>(job, JOB_Z);
}

@inline export function jobV(job: usize): usize {
  return load<usize>(job, JOB_V);
}

@inline export function jobCoef(job: usize): f32 {
  return load<f32>(job, JOB_COEF);
}

@inline export function jobSigns(job: usize): usize {
  return load<usize>(job, JOB_SIGNS);
}

@inline export function jobId(job: usize): i32 {
  return load<i32>(job, JOB_ID);
}
