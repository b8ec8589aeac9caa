/**
 * Batch-1 products on two threads over one shared memory (threaded builds, BuildOptions.threads):
 * the main thread posts each product it can split as a job, runs part 0 of the rows itself while
 * a helper (a worker that called `helper_loop`) runs part 1, then waits for the helper. The parts
 * are row ranges of the same kernel (matvec.ts *Rows / *Blocks), so every row sums exactly as on
 * one thread. The job record (JOB_BYTES at `job`, i32 fields):
 *   0 seq: bumped per job; 4 done: = seq once the helper finished that job; 8 helper: 1 while
 *   helper_loop runs; 12 stop: set by the host to end helper_loop (which then also bumps seq
 *   and notifies it, so a helper about to sleep wakes); 16 product; 20 z; 24 v; 28 coef (f32);
 *   32 signs.
 * All fields are written before seq / done are published with (sequentially consistent) atomic
 * stores, and read after the atomic loads that observe them.
 */
export const JOB_BYTES: i32 = 64;

/** Spins of the helper on seq before it sleeps in memory.atomic.wait32: products of one inference come microseconds apart. */
const SPINS: i32 = 1 << 14;

@inline export function helperRunning(job: usize): bool {
  return atomic.load<i32>(job, 8) == 1;
}

/** Publishes product `product`'s arguments as the next job; returns its sequence number. */
@inline export function postJob(job: usize, product: i32, z: usize, v: usize, coef: f32, signs: usize): i32 {
  store<i32>(job, product, 16);
  store<usize>(job, z, 20);
  store<usize>(job, v, 24);
  store<f32>(job, coef, 28);
  store<usize>(job, signs, 32);
  // Positive and never 0, which nextJob reserves for "stop".
  const seq = max(1, (atomic.load<i32>(job) + 1) & 0x7fffffff);
  atomic.store<i32>(job, seq);
  atomic.notify(job, 1);
  return seq;
}

/** Waits (spinning: the main thread of a browser may not block) until the helper finished job `seq`. */
@inline export function awaitJob(job: usize, seq: i32): void {
  while (atomic.load<i32>(job, 4) != seq) {}
}

@inline export function helperStart(job: usize): i32 {
  atomic.store<i32>(job, 1, 8);
  return atomic.load<i32>(job);
}

@inline export function helperStop(job: usize): void {
  atomic.store<i32>(job, 0, 8);
}

/** The sequence number of the next job after `last`, or 0 once the host set stop. */
@inline export function nextJob(job: usize, last: i32): i32 {
  let seq = last;
  for (let spins: i32 = 0; seq == last; spins++) {
    if (atomic.load<i32>(job, 12) != 0) return 0;
    seq = atomic.load<i32>(job);
    if (seq == last && spins >= SPINS) {
      memory.atomic.wait32(job, last, -1);
      spins = 0;
    }
  }
  return seq;
}

@inline export function finishJob(job: usize, seq: i32): void {
  atomic.store<i32>(job, seq, 4);
}

@inline export function jobProduct(job: usize): i32 {
  return load<i32>(job, 16);
}

@inline export function jobZ(job: usize): usize {
  return load<usize>(job, 20);
}

@inline export function jobV(job: usize): usize {
  return load<usize>(job, 24);
}

@inline export function jobCoef(job: usize): f32 {
  return load<f32>(job, 28);
}

@inline export function jobSigns(job: usize): usize {
  return load<usize>(job, 32);
}
