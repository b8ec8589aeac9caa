/**
 * Contraction estimate for one layer: the spectral norm of the linear part of its state update,
 *   J = (1 - relax) I + relax (skip I + sum_{state terms} M_t - sum_{residual terms} M_t A),
 * by power iteration on J^T J using only matrix-vector products (J is never formed). The
 * thresholds are 1-Lipschitz, so ||J||_2 <= 1 makes the whole layer non-expansive in x.
 */
import type { IRLayer, IRMatrix, IRModel } from '../../core/ir.js';
import { matvec, matvecTransposed } from '../reference/matvec.js';

export interface ContractionEstimate {
  /**
   * Estimated ||J||_2 (power iteration approaches it from below); null when the layer is too
   * large for the work budget to afford even MIN_ITERATIONS iterations (not estimated).
   */
  readonly factor: number | null;
  /** Power iterations actually run (0 when J = 0 by construction, or when not estimated). */
  readonly iterations: number;
}

export interface ContractionOptions {
  /** Upper bound on iterations per layer. */
  readonly maxIterations: number;
  /** Entry visits (nnz touched) this layer may spend; fewer iterations for big layers. */
  readonly budget: number;
}

/** Fewer than this many iterations is not an estimate worth printing: below it, none is made. */
const MIN_ITERATIONS = 3;

/** The parts of a layer that J depends on; layers with equal keys have equal J (tied weights). */
export function linearPartKey(layer: IRLayer): string {
  const terms = layer.terms.filter((t) => t.source !== 'input').map((t) => `${t.source}:${t.matrix.id}`);
  return JSON.stringify([terms, layer.residual?.id ?? null, layer.skip, layer.relax]);
}

export function estimateContraction(model: IRModel, layer: IRLayer, options: ContractionOptions): ContractionEstimate {
  const j = linearOperator(model, layer);
  if (j === undefined) return { factor: 0, iterations: 0 };
  const affordable = j.entriesPerIteration === 0 ? options.maxIterations : Math.floor(options.budget / j.entriesPerIteration);
  // Big models keep compiling at full speed: the estimate is skipped (and said so), not forced.
  if (affordable < Math.min(MIN_ITERATIONS, options.maxIterations)) return { factor: null, iterations: 0 };
  const iterations = Math.min(affordable, options.maxIterations);

  let v: Float64Array = startVector(model.state);
  const jv = new Float64Array(model.state);
  let jtjv: Float64Array = new Float64Array(model.state);
  for (let it = 0; it < iterations; it++) {
    j.apply(v, jv);
    j.applyTransposed(jv, jtjv);
    const norm = norm2(jtjv);
    if (norm === 0) return { factor: 0, iterations: it + 1 };
    for (let i = 0; i < v.length; i++) jtjv[i] /= norm;
    [v, jtjv] = [jtjv, v];
  }
  // ||J v|| for a unit v is a lower bound on ||J||_2 that converges to it.
  j.apply(v, jv);
  return { factor: norm2(jv), iterations };
}

interface LinearOperator {
  apply(v: Float64Array, out: Float64Array): void;
  applyTransposed(u: Float64Array, out: Float64Array): void;
  /** Matrix entries visited by one apply + applyTransposed. */
  readonly entriesPerIteration: number;
}

/** J as a pair of matvec closures, or undefined when the layer does not depend on x at all. */
function linearOperator(model: IRModel, layer: IRLayer): LinearOperator | undefined {
  const stateTerms = layer.terms.filter((t) => t.source === 'state').map((t) => t.matrix);
  const residualTerms = layer.terms.filter((t) => t.source === 'residual').map((t) => t.matrix);
  const { relax, skip } = layer;
  const identity = 1 - relax + relax * skip;
  if (stateTerms.length === 0 && residualTerms.length === 0 && identity === 0) return undefined;

  const a = residualTerms.length > 0 ? layer.residual : undefined;
  const { scale, state } = model;
  const inputSize = model.input.size;
  const product = new Float64Array(state);
  const inputSized = new Float64Array(inputSize);
  const inputSum = new Float64Array(inputSize);

  const nnz = (ms: readonly IRMatrix[]) => ms.reduce((sum, m) => sum + m.nnz, 0);
  const entriesPerIteration = 2 * (nnz(stateTerms) + nnz(residualTerms) + (a?.nnz ?? 0));

  return {
    entriesPerIteration,
    apply(v, out) {
      for (let i = 0; i < state; i++) out[i] = identity * v[i];
      for (const m of stateTerms) {
        matvec(m, scale, v, product);
        for (let i = 0; i < state; i++) out[i] += relax * product[i];
      }
      if (a === undefined) return;
      matvec(a, scale, v, inputSized);
      for (const m of residualTerms) {
        matvec(m, scale, inputSized, product);
        for (let i = 0; i < state; i++) out[i] -= relax * product[i];
      }
    },
    applyTransposed(u, out) {
      for (let i = 0; i < state; i++) out[i] = identity * u[i];
      for (const m of stateTerms) {
        matvecTransposed(m, scale, u, product);
        for (let i = 0; i < state; i++) out[i] += relax * product[i];
      }
      if (a === undefined) return;
      // (sum_t M_t A)^T u = A^T (sum_t M_t^T u): one pass over A however many residual terms.
      inputSum.fill(0);
      for (const m of residualTerms) {
        matvecTransposed(m, scale, u, inputSized);
        for (let i = 0; i < inputSize; i++) inputSum[i] += inputSized[i];
      }
      matvecTransposed(a, scale, inputSum, product);
      for (let i = 0; i < state; i++) out[i] -= relax * product[i];
    },
  };
}

/**
 * All ones plus a fixed pseudo-random perturbation, normalized: deterministic, and not
 * orthogonal to the top singular vector in the structured cases where all-ones alone would be
 * (e.g. a matrix whose rows each sum to zero).
 */
function startVector(n: number): Float64Array {
  const v = new Float64Array(n);
  let seed = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    v[i] = 1 + 0.5 * (seed / 2 ** 32 - 0.5);
  }
  const norm = norm2(v);
  for (let i = 0; i < n; i++) v[i] /= norm;
  return v;
}

function norm2(v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}
