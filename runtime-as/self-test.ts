/**
 * Self-test support: a module embeds test inputs with their float64-reference outputs (rounded to
 * f32) and `self_test()` counts the vectors it gets wrong, so hosts that can only call
 * zero-argument exports (wabt's wasm-interp) still verify a build end to end.
 */
import { constF32 } from './constants';

/**
 * True when ||actual - expected||_2 > relTolerance * ||expected||_2 + absTolerance, accumulated in
 * f64 so the check itself adds no rounding worth mentioning.
 */
export function outsideTolerance(actual: usize, expected: usize, n: i32, relTolerance: f64, absTolerance: f64): bool {
  let errorSq: f64 = 0;
  let normSq: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const e = <f64>constF32(expected + (<usize>i << 2));
    const d = <f64>load<f32>(actual + (<usize>i << 2)) - e;
    errorSq += d * d;
    normSq += e * e;
  }
  // NaN outputs must count as failures, hence the negated comparison.
  return !(Math.sqrt(errorSq) <= relTolerance * Math.sqrt(normSq) + absTolerance);
}
