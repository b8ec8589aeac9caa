/**
 * The typed intermediate representation: everything downstream of loading (reference evaluator,
 * container, report, codegen) reads this and nothing else. Structures stay in closed form; a
 * dense bitmap exists only when the model itself gave a `mask`.
 */

export type StructureKind = 'dense' | 'block-diagonal' | 'banded' | 'blocks' | 'mask';

/** A rectangle of existing entries, `[row0, row0 + rows) x [col0, col0 + cols)`. */
export interface Block {
  readonly row0: number;
  readonly col0: number;
  readonly rows: number;
  readonly cols: number;
}

export type Structure =
  | { readonly kind: 'dense' }
  | { readonly kind: 'block-diagonal'; readonly blockRows: number; readonly blockCols: number }
  | { readonly kind: 'banded'; readonly lower: number; readonly upper: number }
  /** Blocks in the order the model listed them (non-overlapping, validated). */
  | { readonly kind: 'blocks'; readonly blocks: readonly Block[] }
  /** Row-major bitmap of rows * cols bits, LSB first within each byte, padding bits 0. */
  | { readonly kind: 'mask'; readonly bitmap: Uint8Array };

/** How the model delivered the signs; `values` encodings carry their quantization error. */
export type SignEncoding = 'bits' | 'values' | 'dense-values';

export interface IRMatrix {
  readonly id: string;
  readonly rows: number;
  readonly cols: number;
  readonly structure: Structure;
  /** Number of structural nonzeros (entries that exist). */
  readonly nnz: number;
  /** ceil(nnz / 8) bytes, canonical order, entry k = bit k % 8 of byte k / 8, bit 1 = negative, padding 0. */
  readonly signs: Uint8Array;
  /** Per-matrix factor; 1 unless the model gave one. */
  readonly gain: number;
  readonly encoding: SignEncoding;
  /**
   * For `values` / `dense-values`: ||v - s * scale * gain||_2 / ||v||_2 over the existing entries
   * (0 when ||v|| = 0). Undefined for `bits`.
   */
  readonly quantizationError?: number;
}

export type TermSource = 'state' | 'input' | 'residual';

export interface IRTerm {
  readonly matrix: IRMatrix;
  readonly source: TermSource;
}

export type ThresholdKind = 'soft' | 'hard' | 'soft-nonneg' | 'none';

/** A per-element parameter given either as one number or as a vector of length `state`. */
export type ScalarOrVector = number | Float64Array;

export interface IRLayer {
  readonly terms: readonly IRTerm[];
  /** The residual matrix A (input.size x state); present iff a term uses `residual`. */
  readonly residual?: IRMatrix;
  readonly skip: number;
  /** 0 when the model gave no bias. */
  readonly bias: ScalarOrVector;
  readonly threshold: { readonly kind: ThresholdKind; readonly theta: ScalarOrVector };
  readonly relax: number;
}

export interface IRPort {
  readonly name: string;
  readonly size: number;
}

export interface IRModel {
  readonly name: string;
  readonly description?: string;
  readonly scale: number;
  readonly state: number;
  readonly input: IRPort;
  readonly output: IRPort;
  /**
   * Matrices in the order the model listed them (ids unique); terms, residuals and the readout
   * refer to these objects, and a matrix's position here is its index in the container.
   */
  readonly matrices: readonly IRMatrix[];
  readonly layers: readonly IRLayer[];
  /** The readout matrix (output.size x state), if any. */
  readonly readout?: IRMatrix;
  /** Free-form metadata from the model, carried through unchanged. */
  readonly metadata?: unknown;
}
