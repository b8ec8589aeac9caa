/**
 * Implementation limits (spec section 7). Every count and length in a model is checked against
 * these before anything proportional to it is allocated; exceeding one is error PB401 naming it.
 */
import type { Diagnostic, JsonPath } from '../../core/diagnostics/diagnostic.js';

export interface Limits {
  /** Largest rows, cols, state, input.size or output.size. */
  readonly maxDimension: number;
  /** Largest total number of existing entries over all matrices. */
  readonly maxTotalNnz: number;
  /** Largest rows * cols of a `mask` structure (its bitmap is held in memory). */
  readonly maxMaskBits: number;
  /** Largest number of rectangles in one `blocks` structure. */
  readonly maxBlocksPerMatrix: number;
  /** Largest rows * cols of a `dense-values` payload (it is walked entry by entry). */
  readonly maxDenseValues: number;
  /** Longest inline JSON array (values, theta, bias). */
  readonly maxInlineArrayLength: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDimension: 2 ** 24,
  maxTotalNnz: 2 ** 34,
  maxMaskBits: 2 ** 31,
  maxBlocksPerMatrix: 2 ** 20,
  maxDenseValues: 2 ** 34,
  maxInlineArrayLength: 2 ** 27,
};

export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** A PB401 diagnostic when `value` exceeds `limits[name]`, else undefined. */
export function checkLimit(
  limits: Limits,
  name: keyof Limits,
  value: number,
  file: string,
  jsonPath: JsonPath,
  what: string,
): Diagnostic | undefined {
  if (value <= limits[name]) return undefined;
  return {
    code: 'PB401',
    severity: 'error',
    file,
    jsonPath,
    message: `${what} exceeds the limit ${name} = ${limits[name]}`,
    expected: `at most ${limits[name]}`,
    found: `${value}`,
    fix: 'split the model or raise the limit if the machine can hold it',
  };
}
