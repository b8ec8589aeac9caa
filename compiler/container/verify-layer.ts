/**
 * Verifies one Layer table: term and residual matrix indices in range with fitting dimensions,
 * enum values in range, scalar-or-vector parameters of length `state`, finite parameters.
 */
import type { CheckedTable } from './checked-buffer.js';
import { TERM_SOURCE_NAMES, THRESHOLD_KIND_NAMES } from './format.js';
import type { VerifiedMatrix } from './verify-matrix.js';

/** Field slots of Layer, in schema declaration order. */
const SLOT = { terms: 0, residual: 1, skip: 2, bias: 3, biasVector: 4, thresholdKind: 5, theta: 6, thetaVector: 7, relax: 8 } as const;

const TERM_STRUCT_BYTES = 8;

export interface LayerContext {
  readonly matrices: readonly VerifiedMatrix[];
  readonly state: number;
  readonly inputSize: number;
}

export function verifyLayer(t: CheckedTable, context: LayerContext): void {
  const usesResidual = verifyTerms(t, context);
  const residual = t.optionalU32(SLOT.residual, 'residual');
  if ((residual !== undefined) !== usesResidual) {
    t.invalid(['residual'], t.at(SLOT.residual), 'a residual matrix is required exactly when a term uses the residual', usesResidual ? 'present' : 'absent', residual === undefined ? 'absent' : `${residual}`);
  }
  if (residual !== undefined) verifyMatrixUse(t, ['residual'], t.at(SLOT.residual), context, residual, context.inputSize, context.state);

  const skip = t.f64(SLOT.skip, 'skip', 0);
  if (!Number.isFinite(skip)) t.invalid(['skip'], t.at(SLOT.skip), 'skip must be finite', 'a finite number', `${skip}`);
  verifyScalarOrVector(t, context.state, 'bias', SLOT.bias, SLOT.biasVector);

  const code = t.u8(SLOT.thresholdKind, 'threshold_kind', 0);
  if (!THRESHOLD_KIND_NAMES.has(code)) t.invalid(['threshold_kind'], t.at(SLOT.thresholdKind), 'threshold kind out of range', `one of ${[...THRESHOLD_KIND_NAMES.keys()].join(', ')}`, `${code}`);
  verifyScalarOrVector(t, context.state, 'theta', SLOT.theta, SLOT.thetaVector, 0);

  const relax = t.f64(SLOT.relax, 'relax', 1);
  if (!(relax > 0 && relax <= 1)) t.invalid(['relax'], t.at(SLOT.relax), 'relax out of range', '0 < relax <= 1', `${relax}`);
}

/** Checks every term; returns whether one of them reads the residual. */
function verifyTerms(t: CheckedTable, context: LayerContext): boolean {
  const range = t.vector(SLOT.terms, 'terms', TERM_STRUCT_BYTES, 4);
  let usesResidual = false;
  for (let i = 0; range !== undefined && i < range.length; i++) {
    const at = range.start + TERM_STRUCT_BYTES * i;
    const code = t.buffer.u8(at + 4);
    const source = TERM_SOURCE_NAMES.get(code);
    if (source === undefined) t.invalid(['terms', i, 'source'], at + 4, 'term source out of range', `one of ${[...TERM_SOURCE_NAMES.keys()].join(', ')}`, `${code}`);
    usesResidual ||= source === 'residual';
    // M_t is state x len(v_t); v_t is x (state), y (input) or r = y - A x (input).
    const vectorLength = source === 'state' ? context.state : context.inputSize;
    verifyMatrixUse(t, ['terms', i, 'matrix'], at, context, t.buffer.u32(at), context.state, vectorLength);
  }
  return usesResidual;
}

function verifyMatrixUse(t: CheckedTable, field: (string | number)[], byteOffset: number, context: LayerContext, index: number, rows: number, cols: number): void {
  const matrix = context.matrices[index];
  if (matrix === undefined) t.invalid(field, byteOffset, 'matrix index out of range', `an index below ${context.matrices.length}`, `${index}`);
  if (matrix.rows !== rows || matrix.cols !== cols) {
    t.invalid(field, byteOffset, `matrix "${matrix.id}" does not fit its use`, `${rows} x ${cols}`, `${matrix.rows} x ${matrix.cols}`);
  }
}

/**
 * A parameter stored as a scalar field plus an optional vector field: with the vector present it
 * must have `state` elements and the scalar must be 0. Values must be finite (and >= `minimum`).
 */
function verifyScalarOrVector(t: CheckedTable, state: number, name: string, scalarSlot: number, vectorSlot: number, minimum?: number): void {
  const allowed = (value: number) => Number.isFinite(value) && (minimum === undefined || value >= minimum);
  const expected = minimum === undefined ? 'a finite number' : `a finite number >= ${minimum}`;
  const scalar = t.f64(scalarSlot, name, 0);
  const vectorName = `${name}_vector`;
  const vector = t.vector(vectorSlot, vectorName, 8, 8);
  if (vector === undefined) {
    if (!allowed(scalar)) t.invalid([name], t.at(scalarSlot), `${name} out of range`, expected, `${scalar}`);
    return;
  }
  if (scalar !== 0) t.invalid([name], t.at(scalarSlot), `${name} is set together with ${vectorName}`, '0', `${scalar}`);
  if (vector.length !== state) t.invalid([vectorName], vector.start - 4, `${vectorName} length does not match state`, `${state}`, `${vector.length}`);
  for (let i = 0; i < vector.length; i++) {
    const value = t.buffer.f64(vector.start + 8 * i);
    if (!allowed(value)) t.invalid([vectorName, i], vector.start + 8 * i, `${name} out of range`, expected, `${value}`);
  }
}
