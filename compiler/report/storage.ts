/**
 * Storage arithmetic: what one matrix costs in PIBiNN form, and what the same weights would cost
 * in the usual alternatives, so the report can put them side by side.
 */
import type { IRMatrix, Structure } from '../../core/ir.js';
import { kindOf } from '../../kinds/index.js';
import { structureMetadataBytes } from '../ir/structure.js';

/** A non-unit gain is stored as one float32 next to the structure. */
const GAIN_BYTES = 4;
/** The model's single global scale lambda, one float32 for the whole network. */
export const GLOBAL_SCALE_BYTES = 4;

export interface MatrixStorage {
  readonly signBytes: number;
  readonly structureMetadataBytes: number;
  readonly gainBytes: number;
  /** Structure metadata plus the gain, if any. */
  readonly metadataBytes: number;
  readonly bitsPerDenseWeight: number;
  /** Null for a matrix with no existing entry. */
  readonly bitsPerStoredWeight: number | null;
}

export function matrixStorage(m: IRMatrix): MatrixStorage {
  const signBytes = Math.ceil(m.nnz / 8);
  const structureBytes = structureMetadataBytes(m.structure);
  const gainBytes = m.gain === 1 ? 0 : GAIN_BYTES;
  const metadataBytes = structureBytes + gainBytes;
  const bits = 8 * (signBytes + metadataBytes);
  return {
    signBytes,
    structureMetadataBytes: structureBytes,
    gainBytes,
    metadataBytes,
    bitsPerDenseWeight: bits / (m.rows * m.cols),
    bitsPerStoredWeight: m.nnz === 0 ? null : bits / m.nnz,
  };
}

/** A weight-storage format the report compares PIBiNN against. */
export interface StorageFormat {
  readonly id: string;
  readonly description: string;
  /** Bytes for one matrix in this format. */
  readonly bytes: (m: IRMatrix) => number;
}

/** Float32 scale stored per tensor or per row by the quantized baselines. */
const SCALE_BYTES = 4;

export const BASELINE_FORMATS: readonly StorageFormat[] = [
  { id: 'dense-f32', description: 'dense float32', bytes: (m) => 4 * m.rows * m.cols },
  { id: 'dense-f16', description: 'dense float16', bytes: (m) => 2 * m.rows * m.cols },
  { id: 'int8-per-tensor', description: 'int8, one scale per matrix', bytes: (m) => m.rows * m.cols + SCALE_BYTES },
  { id: 'int8-per-channel', description: 'int8, one scale per row', bytes: (m) => m.rows * m.cols + SCALE_BYTES * m.rows },
  { id: 'ternary', description: 'ternary, 2 bits per weight + one scale', bytes: (m) => Math.ceil((2 * m.rows * m.cols) / 8) + SCALE_BYTES },
  {
    id: 'csr-f32',
    description: 'pruned CSR, float32 values + int32 column indices + row pointers',
    bytes: (m) => m.nnz * (4 + 4) + (m.rows + 1) * 4,
  },
  { id: 'binary-per-row', description: 'dense 1-bit, one scale per row', bytes: (m) => Math.ceil((m.rows * m.cols) / 8) + SCALE_BYTES * m.rows },
];

/** Human-readable structure with its parameters. */
export function describeStructure(structure: Structure, rows: number): string {
  return kindOf(structure).describe(structure, rows);
}
