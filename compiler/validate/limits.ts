/**
 * Implementation limits (spec section 7), and what the commands may spend on a model (unrolled
 * products, MCU data, values a run holds). Every count and length is checked against them before
 * anything proportional to it is allocated; exceeding one is error PB401 naming it and saying how
 * to raise it (--limit name=value, up to a ceiling for the few that cannot go arbitrarily high).
 */
import { constants } from 'node:buffer';
import { fail, type Diagnostic, type JsonPath } from '../../core/diagnostics/diagnostic.js';
import { suggestionFix } from './suggest.js';

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
  /** Deepest nesting of arrays and objects in model.json (metadata included). */
  readonly maxNestingDepth: number;
  /** Largest model.json file in bytes (it is held in memory as one string). */
  readonly maxModelBytes: number;
  /**
   * Most matrix products a specialized build unrolls (terms, residual products and the readout
   * over all layers): its compile time grows faster than linearly with them.
   */
  readonly maxBuildProducts: number;
  /** Largest model data (sign bits, structure tables, parameters, float32 activations) for the MCU target. */
  readonly maxMcuBytes: number;
  /** Most values `pibinn-compile run` holds for one call: outputs (and --trace states) over all inputs. */
  readonly maxRunValues: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDimension: 2 ** 24,
  // 512 MiB of sign bits, held in memory; the container format stops at 2 GiB anyway.
  maxTotalNnz: 2 ** 32,
  maxMaskBits: 2 ** 31,
  maxBlocksPerMatrix: 2 ** 20,
  maxDenseValues: 2 ** 34,
  maxInlineArrayLength: 2 ** 27,
  maxNestingDepth: 64,
  maxModelBytes: 2 ** 28,
  maxBuildProducts: 256,
  // Cortex-M parts top out at a few MiB of flash and SRAM.
  maxMcuBytes: 2 ** 24,
  // 512 MiB of float64.
  maxRunValues: 2 ** 26,
};

/**
 * How far a limit can be raised: past these the failure is no longer a clean diagnostic but a
 * stack overflow (recursive JSON consumers) or a string the JavaScript engine cannot hold.
 */
export const LIMIT_CEILINGS: Partial<Limits> = {
  maxNestingDepth: 1000,
  maxModelBytes: constants.MAX_STRING_LENGTH,
};

/** What to do about a model over each limit, before raising it. */
const ADVICE: Record<keyof Limits, string> = {
  maxDimension: 'use smaller vectors and matrices',
  maxTotalNnz: 'use sparser structures or fewer matrices',
  maxMaskBits: 'describe the structure as blocks or banded instead of a mask',
  maxBlocksPerMatrix: 'merge adjacent rectangles, or use a mask',
  maxDenseValues: 'give the signs as values over the structure (nnz entries) instead of dense-values',
  maxInlineArrayLength: 'move the array into an external .npy file (spec section 3.4)',
  maxNestingDepth: 'flatten the metadata (store deep structures as a JSON string)',
  maxModelBytes: 'move large payloads into external .npy files (spec section 3.4)',
  maxBuildProducts: 'run the container on the generic runtime (loadContainer), which does not unroll layers',
  maxMcuBytes: 'the model does not fit a microcontroller: use the WebAssembly target',
  maxRunValues: 'run fewer input vectors per call (or drop --trace)',
};

/** The fix of a PB401: what to change, and how to raise the limit instead. */
export function limitFix(name: keyof Limits): string {
  const ceiling = LIMIT_CEILINGS[name];
  return `${ADVICE[name]}; or, if the machine can take it, raise the limit with --limit ${name}=<n>${ceiling === undefined ? '' : ` (at most ${ceiling})`} (LoadOptions.limits in the API)`;
}

/** The defaults with `overrides` applied; each override must be a positive integer within its ceiling (else PB001). */
export function resolveLimits(overrides: Partial<Limits> = {}, source = '<limits>'): Limits {
  for (const [name, value] of Object.entries(overrides) as [keyof Limits, number][]) {
    const ceiling = LIMIT_CEILINGS[name] ?? Number.MAX_SAFE_INTEGER;
    if (!(name in DEFAULT_LIMITS)) {
      fail({ code: 'PB001', file: source, message: `unknown limit "${name}"`, expected: `one of ${Object.keys(DEFAULT_LIMITS).join(', ')}`, found: JSON.stringify(name), fix: suggestionFix(name, Object.keys(DEFAULT_LIMITS), 'limits') });
    }
    if (!Number.isSafeInteger(value) || value < 1 || value > ceiling) {
      fail({ code: 'PB001', file: source, message: `limit ${name} must be an integer from 1 to ${ceiling}`, found: String(value) });
    }
  }
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** `--limit name=value` texts -> overrides (checked by resolveLimits). */
export function parseLimitOverrides(texts: readonly string[]): Partial<Limits> {
  const overrides: Record<string, number> = {};
  for (const text of texts) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(text);
    if (match === null) fail({ code: 'PB001', file: '<command line>', message: '--limit takes name=value', expected: 'e.g. --limit maxDimension=33554432', found: JSON.stringify(text) });
    overrides[match[1]] = Number(match[2]);
  }
  resolveLimits(overrides, '<command line>');
  return overrides;
}

/** A PB401 diagnostic when `value` exceeds `limits[name]`, else undefined. */
export function checkLimit(
  limits: Limits,
  name: keyof Limits,
  value: number,
  file: string,
  jsonPath: JsonPath | undefined,
  what: string,
): Diagnostic | undefined {
  if (value <= limits[name]) return undefined;
  return {
    code: 'PB401',
    severity: 'error',
    file,
    ...(jsonPath !== undefined && { jsonPath }),
    message: `${what} exceeds the limit ${name} = ${limits[name]}`,
    expected: `at most ${limits[name]}`,
    found: `${value}`,
    fix: limitFix(name),
  };
}
