/** How far an output is from the reference: the one error measure the spec's tolerance uses. */

/** ||actual - expected||_2 / ||expected||_2 (absolute when expected = 0; Infinity on a length mismatch). */
export function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let error = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    error += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return norm === 0 ? Math.sqrt(error) : Math.sqrt(error / norm);
}
