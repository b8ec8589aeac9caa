/**
 * Constants of the .pibinn container and the mapping between the IR's string enums and the
 * schema's numeric ones. Shared by the writer, the verifier and the reader so they cannot drift.
 */
import type { SignEncoding as IRSignEncoding, StructureKind as IRStructureKind, TermSource as IRTermSource, ThresholdKind as IRThresholdKind } from '../../core/ir.js';
import { SignEncoding, StructureKind, TermSource, ThresholdKind } from './generated/pibinn_generated.js';

/** The schema version this code writes and the highest it reads; bumped with every appended field. */
export const CONTAINER_SCHEMA_VERSION = 1;

/** Bytes 4..7 of every container (the schema's `file_identifier`). */
export const CONTAINER_FILE_IDENTIFIER = 'PBNN';

/** Alignment of every sign payload relative to the buffer start, for 128-bit SIMD loads. */
export const SIGNS_ALIGNMENT = 16;


/** FlatBuffers offsets are signed 32-bit, so a buffer must stay below 2 GiB. */
export const MAX_CONTAINER_BYTES = 0x7fffffff;

export const STRUCTURE_KIND_CODES: Readonly<Record<IRStructureKind, StructureKind>> = {
  dense: StructureKind.Dense,
  'block-diagonal': StructureKind.BlockDiagonal,
  banded: StructureKind.Banded,
  blocks: StructureKind.Blocks,
  mask: StructureKind.Mask,
};

export const SIGN_ENCODING_CODES: Readonly<Record<IRSignEncoding, SignEncoding>> = {
  bits: SignEncoding.Bits,
  values: SignEncoding.Values,
  'dense-values': SignEncoding.DenseValues,
};

export const TERM_SOURCE_CODES: Readonly<Record<IRTermSource, TermSource>> = {
  state: TermSource.State,
  input: TermSource.Input,
  residual: TermSource.Residual,
};

export const THRESHOLD_KIND_CODES: Readonly<Record<IRThresholdKind, ThresholdKind>> = {
  soft: ThresholdKind.Soft,
  hard: ThresholdKind.Hard,
  'soft-nonneg': ThresholdKind.SoftNonneg,
  none: ThresholdKind.None,
};

/** Inverts a code table: numeric schema value -> IR name; a value missing from it is out of range. */
function decodeTable<K extends string>(codes: Readonly<Record<K, number>>): ReadonlyMap<number, K> {
  return new Map((Object.entries(codes) as [K, number][]).map(([name, code]) => [code, name]));
}

export const STRUCTURE_KIND_NAMES = decodeTable(STRUCTURE_KIND_CODES);
export const SIGN_ENCODING_NAMES = decodeTable(SIGN_ENCODING_CODES);
export const TERM_SOURCE_NAMES = decodeTable(TERM_SOURCE_CODES);
export const THRESHOLD_KIND_NAMES = decodeTable(THRESHOLD_KIND_CODES);
